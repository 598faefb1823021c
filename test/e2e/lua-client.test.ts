import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseRequestBody } from '../../src/contract/parse-request';
import { PLUGIN_DIR, detectEnvironment } from './support/environment';
import { freePort, startCliServer, startEndpoint, type CliServer, type Endpoint } from './support/ml-endpoints';

/**
 * plugin/machine-learning-client.lua outside ModSecurity: test/e2e/lua/drive-client.lua gives it
 * a mock `m` (with ModSecurity 2's setvar sign rule) and prints the TX variables it sets. Runs
 * with lua5.1 + LuaSocket against the real CLI server and a few misbehaving endpoints.
 */
const env = detectEnvironment();
const CLIENT = path.join(PLUGIN_DIR, 'machine-learning-client.lua');
const DRIVER = path.join(__dirname, 'lua', 'drive-client.lua');
const ADAPTERS_DIR = path.join(__dirname, 'fixtures', 'adapters');
const THRESHOLD = { threshold: -0.313, anomalyWhen: 'below' };

type Entry = readonly [name: string | Buffer, value: string | Buffer];

interface Spec {
  vars?: Record<string, string | Buffer>;
  tx?: Record<string, string>;
  ARGS?: Entry[];
  FILES?: Entry[];
  FILES_SIZES?: Entry[];
}

interface DriveResult {
  tx: Map<string, string>;
  logs: number;
  elapsedMs: number;
}

const BASE_VARS = { REQUEST_METHOD: 'GET', REQUEST_FILENAME: '/index.html', TIME_HOUR: '7', TIME_DAY: '29', REQBODY_PROCESSOR: '' };
const hex = (value: string | Buffer) => Buffer.from(value).toString('hex');

const describeServers = env.serverSkip === undefined ? describe : describe.skip;
if (env.serverSkip !== undefined) test.skip(`Lua client tests skipped: ${env.serverSkip}`, () => undefined);

describeServers('machine-learning-client.lua with a mock m', () => {
  let dir = '';
  const servers: CliServer[] = [];
  let block: Endpoint;
  let fraction: Endpoint;
  let pass: Endpoint;
  let record: Endpoint;
  let failing: Endpoint;
  let garbage: Endpoint;
  let hang: Endpoint;
  let drip: http.Server;
  let dripUrl = '';
  let downUrl = '';
  const rawServers: net.Server[] = [];

  /** A TCP server that writes `answer` after the request and never closes the connection. */
  async function rawServer(answer: string): Promise<string> {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.write(answer));
      socket.on('error', () => undefined);
    });
    rawServers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-lua-'));
    const cli = async (name: string, manifest: object) => {
      const server = await startCliServer(path.join(dir, name), manifest);
      servers.push(server);
      return server.url;
    };
    const [blockUrl, fractionUrl, passUrl] = await Promise.all([
      cli('block', { adapter: 'random', ...THRESHOLD, options: { seed: 1, low: -2, high: -2 } }),
      cli('fraction', { adapter: 'constant', adapters: ADAPTERS_DIR, ...THRESHOLD, options: { score: -0.35 } }),
      cli('pass', { adapter: 'random', ...THRESHOLD, options: { seed: 1, low: 3, high: 3 } }),
    ]);
    block = await startEndpoint({ kind: 'proxy', target: blockUrl });
    fraction = await startEndpoint({ kind: 'proxy', target: fractionUrl });
    pass = await startEndpoint({ kind: 'proxy', target: passUrl });
    record = await startEndpoint({ kind: 'status', status: 200, body: 'score=0' });
    failing = await startEndpoint({ kind: 'status', status: 500, body: 'boom %{tx.secret}' });
    garbage = await startEndpoint({ kind: 'status', status: 200, body: 'all good' });
    hang = await startEndpoint({ kind: 'hang' });
    // Answers the headers at once, then one body byte every 50 ms: only a total deadline stops it.
    drip = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Length': '1000' });
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    dripUrl = `http://127.0.0.1:${(drip.address() as AddressInfo).port}/`;
    downUrl = `http://127.0.0.1:${await freePort()}/`;
  }, 60_000);

  afterAll(async () => {
    for (const server of rawServers) server.close();
    drip?.closeAllConnections();
    await new Promise<void>((resolve) => (drip ? drip.close(() => resolve()) : resolve()));
    await Promise.all([block, fraction, pass, record, failing, garbage, hang].filter(Boolean).map((e) => e.close()));
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(env.luaVersions.map((v) => [v.bin, v] as const))('under %s + LuaSocket', (_bin, lua) => {
    if (lua.skip !== undefined) {
      test.skip(`skipped: ${lua.skip}`, () => undefined);
      return;
    }
    let specCount = 0;
    function drive(url: string, spec: Spec = {}, extraEnv: NodeJS.ProcessEnv = {}): Promise<DriveResult> {
      const lines: string[] = [];
      const vars = { ...BASE_VARS, ...spec.vars };
      for (const [name, value] of Object.entries(vars)) lines.push(`var ${hex(name)} ${hex(value)}`);
      const tx = { 'machine-learning-plugin_ml_server_url': url, ...spec.tx };
      for (const [name, value] of Object.entries(tx)) lines.push(`var ${hex(`tx.${name}`)} ${hex(value)}`);
      for (const kind of ['ARGS', 'FILES', 'FILES_SIZES'] as const) {
        for (const [name, value] of spec[kind] ?? []) lines.push(`${kind} ${hex(name)} ${hex(value)}`);
      }
      const file = path.join(dir, `spec-${specCount++}.txt`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      return new Promise((resolve, reject) => {
        execFile(lua.bin, [DRIVER, CLIENT, file], { timeout: 10_000, env: { ...process.env, ...extraEnv } }, (error, stdout, stderr) => {
          if (error) return reject(new Error(`lua failed: ${String(error)}\n${stderr}`));
          const result: DriveResult = { tx: new Map(), logs: 0, elapsedMs: NaN };
          for (const line of stdout.trim().split('\n')) {
            const [name, value = ''] = line.split(' ');
            if (name === 'logs') result.logs = Number(value);
            else if (name === 'elapsed_ms') result.elapsedMs = Number(value);
            else result.tx.set(name.replace(/^machine-learning-plugin_/, ''), Buffer.from(value, 'hex').toString('utf8'));
          }
          resolve(result);
        });
      });
    }

    test('nasty values reach the server intact, url-encoded with strict JSON objects', async () => {
      const before = record.bodies.length;
      const nasty = 'a&b=c+d%20e%"q"\\ \n\r\tnew line, é€😀, %{tx.secret}, \u0000 end';
      const result = await drive(record.url, {
        vars: { REQUEST_METHOD: 'POST', REQUEST_FILENAME: '/dir/ü & =.php', REQBODY_PROCESSOR: 'MULTIPART', REQUEST_BODY: 'ignored for forms' },
        ARGS: [
          ['ARGS:q', nasty],
          ['ARGS:q', 'second'],
          ['ARGS:na"me&=\\', 'v'],
          ['ARGS:bin', Buffer.from([0x61, 0xff, 0xfe, 0x62])],
        ],
        FILES: [['FILES:up', 'cat & "dog".txt']],
        FILES_SIZES: [['FILES_SIZES:up', '1024']],
      });
      expect(result.tx.get('ml_status')).toBe('pass');
      expect(record.bodies.length - before).toBe(1);
      const body = record.bodies[record.bodies.length - 1];
      expect(body.includes(0x7b)).toBe(false); // no raw "{": the server reads it as url-encoded
      expect(parseRequestBody(body)).toEqual({
        method: 'POST',
        path: '/dir/ü & =.php',
        args: [
          ['ARGS:q', nasty],
          ['ARGS:q', 'second'],
          ['ARGS:na"me&=\\', 'v'],
          ['ARGS:bin', 'a\udcff\udcfeb'], // invalid UTF-8 survives as surrogateescape
        ],
        files: [['FILES:up', 'cat & "dog".txt']],
        sizes: [['FILES_SIZES:up', 1024]],
        hour: 7,
        day: 29,
      });
    });

    test('a body no processor parsed is sent raw; a form body is not', async () => {
      const before = record.bodies.length;
      await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQUEST_BODY: 'raw {json} & "x"=1%\n' } });
      await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQBODY_PROCESSOR: 'URLENCODED', REQUEST_BODY: 'a=1' }, ARGS: [['ARGS:a', '1']] });
      const [raw, form] = record.bodies.slice(before).map((b) => parseRequestBody(b));
      expect(raw.body).toBe('raw {json} & "x"=1%\n');
      expect(form.body).toBeUndefined();
      expect(form.args).toEqual([['ARGS:a', '1']]);
    });

    test('401 from the real server: block, and the negative score survives the setvar sign rule', async () => {
      const calls = block.calls;
      const result = await drive(block.url, { ARGS: [['ARGS:q', 'x']] });
      expect(block.calls - calls).toBe(1);
      expect(Object.fromEntries(result.tx)).toMatchObject({
        ml_status: 'anomaly',
        ml_score: '-2',
        action: 'block',
        inbound_ml_status: '0',
        detail: '',
      });
      expect(Number(result.tx.get('ml_latency_ms'))).toBeGreaterThanOrEqual(0);
    });

    test('a fractional negative score is stored as the server printed it', async () => {
      const result = await drive(fraction.url);
      expect(result.tx.get('ml_score')).toBe('-0.35');
      expect(result.tx.get('action')).toBe('block');
    });

    test('200 from the real server: pass; in mode 1 it is noted as a false positive', async () => {
      const result = await drive(pass.url, { tx: { 'machine-learning-plugin_mode': '1' } });
      expect(Object.fromEntries(result.tx)).toMatchObject({
        ml_status: 'pass',
        ml_score: '3',
        action: 'pass',
        inbound_ml_status: '1',
        detail: 'false positive: CRS would block, the model lets it pass',
      });
    });

    test.each([
      ['open', '0', 'pass'],
      ['closed', '0', 'block'],
      ['crs', '0', 'pass'],
      ['crs', '7', 'block'],
      ['banana', '7', 'block'], // an unknown policy behaves as crs
    ])('server down, fail_policy=%s, crs_score=%s: %s', async (policy, crsScore, action) => {
      const result = await drive(downUrl, {
        tx: { 'machine-learning-plugin_fail_policy': policy, 'machine-learning-plugin_crs_score': crsScore, 'machine-learning-plugin_inbound_anomaly_score_threshold': '5' },
      });
      expect(result.tx.get('ml_status')).toBe('unreachable');
      expect(result.tx.get('ml_score')).toBe('none');
      expect(result.tx.get('action')).toBe(action);
      expect(result.tx.get('detail')).toMatch(/connection refused; fail_policy=\w+ -> (pass|block)$/);
      expect(result.logs).toBe(1);
    });

    test('hung server: timeout after timeout_ms, fail policy applied', async () => {
      const result = await drive(hang.url, { tx: { 'machine-learning-plugin_timeout_ms': '200', 'machine-learning-plugin_fail_policy': 'closed' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.tx.get('action')).toBe('block');
      expect(result.elapsedMs).toBeGreaterThanOrEqual(195);
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('a server that drips its answer is cut at the total deadline', async () => {
      const result = await drive(dripUrl, { tx: { 'machine-learning-plugin_timeout_ms': '200', 'machine-learning-plugin_fail_policy': 'open' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.tx.get('action')).toBe('pass');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('default timeout (no timeout_ms set) is 300 ms', async () => {
      const result = await drive(hang.url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } });
      expect(result.tx.get('ml_status')).toBe('timeout');
      expect(result.elapsedMs).toBeGreaterThanOrEqual(295);
      expect(result.elapsedMs).toBeLessThan(600);
    });

    test('500: http-500, fail policy applied, macros in the answer are not expanded', async () => {
      const result = await drive(failing.url, { tx: { 'machine-learning-plugin_fail_policy': 'open', secret: 'LEAKED' } });
      expect(result.tx.get('ml_status')).toBe('http-500');
      expect(result.tx.get('action')).toBe('pass');
      expect(result.tx.get('detail')).toContain('the server answered HTTP 500: boom');
      expect(result.tx.get('detail')).not.toContain('LEAKED');
    });

    test('200 without score=<n>: pass as the server said, score none, reason given', async () => {
      const result = await drive(garbage.url);
      expect(result.tx.get('ml_status')).toBe('pass');
      expect(result.tx.get('ml_score')).toBe('none');
      expect(result.tx.get('detail')).toBe("the server's answer holds no score=<number>");
    });

    test('a URL that is not http://host[:port]/path is a config-error, fail policy applied', async () => {
      const result = await drive('ftp://127.0.0.1/', { tx: { 'machine-learning-plugin_fail_policy': 'closed' } });
      expect(result.tx.get('ml_status')).toBe('config-error');
      expect(result.tx.get('action')).toBe('block');
    });

    test('an answer with Content-Length is read without waiting for the server to close', async () => {
      const url = await rawServer('HTTP/1.1 401 Unauthorized\r\nContent-Length: 11\r\nConnection: keep-alive\r\n\r\nscore=-1e-3');
      const result = await drive(url, { tx: { 'machine-learning-plugin_timeout_ms': '250' } });
      expect(result.tx.get('ml_status')).toBe('anomaly');
      expect(result.tx.get('ml_score')).toBe('-1e-3');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    test('a chunked answer is decoded', async () => {
      const url = await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nscore=\r\n5\r\n-0.25\r\n0\r\n\r\n');
      const result = await drive(url, { tx: { 'machine-learning-plugin_timeout_ms': '250' } });
      expect(result.tx.get('ml_status')).toBe('pass');
      expect(result.tx.get('ml_score')).toBe('-0.25');
      expect(result.elapsedMs).toBeLessThan(500);
    });

    const hasIpv6Loopback = Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
    (hasIpv6Loopback ? test : test.skip)(`an IPv6 server URL http://[::1]:port/ works${hasIpv6Loopback ? '' : ' (skipped: no ::1 on this machine)'}`, async () => {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(401).end('score=-7.5'));
      });
      await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
      try {
        const result = await drive(`http://[::1]:${(server.address() as AddressInfo).port}/`);
        expect(result.tx.get('ml_status')).toBe('anomaly');
        expect(result.tx.get('ml_score')).toBe('-7.5');
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    test('without LuaSocket: client-error, the fail policy still applies', async () => {
      const hidden = { LUA_PATH: '/nonexistent/?.lua', LUA_CPATH: '/nonexistent/?.so' };
      const closed = await drive(pass.url, { tx: { 'machine-learning-plugin_fail_policy': 'closed' } }, hidden);
      expect(closed.tx.get('ml_status')).toBe('client-error');
      expect(closed.tx.get('action')).toBe('block');
      expect(closed.tx.get('detail')).toMatch(/^LuaSocket is missing \(apt-get install lua-socket\)/);
      const open = await drive(pass.url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } }, hidden);
      expect(open.tx.get('action')).toBe('pass');
    });

    describe('as under libmodsecurity 3.0.9 (MOCK_ENGINE=libmodsecurity3)', () => {
      const V3 = { MOCK_ENGINE: 'libmodsecurity3' };

      test('args come from the query string and a url-encoded body, parsed by the client', async () => {
        const before = record.bodies.length;
        const result = await drive(
          record.url,
          {
            vars: {
              REQUEST_METHOD: 'POST',
              QUERY_STRING: 'a=1%262%3D3&plus=%2B+%25&uni=%C3%A9%E2%82%AC&a=x',
              REQBODY_PROCESSOR: 'URLENCODED',
              REQUEST_BODY: 'q=say+%22hi%22+%5C&multi=line%0Atwo&flag',
            },
          },
          V3,
        );
        expect(result.tx.get('ml_status')).toBe('pass');
        const parsed = parseRequestBody(record.bodies[before]);
        expect(parsed.args).toEqual([
          ['ARGS:a', '1&2=3'],
          ['ARGS:plus', '+ %'],
          ['ARGS:uni', 'é€'],
          ['ARGS:a', 'x'],
          ['ARGS:q', 'say "hi" \\'],
          ['ARGS:multi', 'line\ntwo'],
          ['ARGS:flag', ''],
        ]);
        expect(parsed.body).toBeUndefined();
        expect(parsed.hour).toBeGreaterThanOrEqual(0);
        expect(parsed.day).toBeGreaterThanOrEqual(1);
      });

      test('a multipart body is sent raw (its parts cannot be listed there)', async () => {
        const before = record.bodies.length;
        const multipart = '--X\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n--X--\r\n';
        await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQBODY_PROCESSOR: 'MULTIPART', REQUEST_BODY: multipart } }, V3);
        const parsed = parseRequestBody(record.bodies[before]);
        expect(parsed.body).toBe(multipart);
        expect(parsed.files).toEqual([]);
      });

      test('a negative score is stored as given (no sign rule there)', async () => {
        const result = await drive(fraction.url, {}, V3);
        expect(result.tx.get('ml_score')).toBe('-0.35');
        expect(result.tx.get('action')).toBe('block');
      });
    });
  });
});
