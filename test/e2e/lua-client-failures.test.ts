import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { cannotRun } from './support/cannot-run';
import { detectEnvironment } from './support/environment';
import { clientSetups, createLuaDriver } from './support/lua-driver';
import { freePort, startEndpoint, type Endpoint } from './support/ml-endpoints';

/**
 * plugin/machine-learning-client.lua when the server fails: down, hung, dripping, answering 500 or
 * nonsense, keep-alive and chunked answers, IPv6, a bad URL, and LuaSocket missing. Needs only
 * lua5.1 / lua5.3 with LuaSocket (no built server): fake servers play every part.
 */
const env = detectEnvironment();

describe('machine-learning-client.lua when things go wrong', () => {
  let dir = '';
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
  });

  afterAll(async () => {
    for (const server of rawServers) server.close();
    drip?.closeAllConnections();
    await new Promise<void>((resolve) => (drip ? drip.close(() => resolve()) : resolve()));
    await Promise.all([record, failing, garbage, hang].filter(Boolean).map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(clientSetups(env.luaVersions).map((setup) => [setup.name, setup] as const))('under %s', (_name, lua) => {
    if (lua.skip !== undefined) {
      cannotRun(`the ${lua.name} client tests`, lua.skip, lua.required);
      return;
    }
    const drive = (...args: Parameters<ReturnType<typeof createLuaDriver>>) => createLuaDriver(lua.bin, dir, lua.transport)(...args);

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

    test.each([
      ['open', 'pass'],
      ['closed', 'block'],
    ])('200 without score=<n>: bad-response, fail_policy=%s -> %s', async (policy, action) => {
      const result = await drive(garbage.url, { tx: { 'machine-learning-plugin_fail_policy': policy } });
      expect(result.tx.get('ml_status')).toBe('bad-response');
      expect(result.tx.get('ml_score')).toBe('none');
      expect(result.tx.get('action')).toBe(action);
      expect(result.tx.get('detail')).toBe(`HTTP 200 without score=<number>: all good; fail_policy=${policy} -> ${action}`);
    });

    test('401 without score=<n> (an auth proxy in the way) is bad-response too, not a block', async () => {
      const url = await rawServer('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nUnauthorized');
      const result = await drive(url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } });
      expect(result.tx.get('ml_status')).toBe('bad-response');
      expect(result.tx.get('action')).toBe('pass');
    });

    describe('circuit breaker (state in breaker_file)', () => {
      let stateDir = '';
      let breaker: Record<string, string> = {};
      const file = () => path.join(stateDir, 'breaker');
      const state = () => (existsSync(file()) ? readFileSync(file(), 'utf8') : undefined);
      const now = () => Math.floor(Date.now() / 1000);

      beforeEach(() => {
        stateDir = mkdtempSync(path.join(dir, 'breaker-'));
        breaker = {
          'machine-learning-plugin_breaker_failures': '2',
          'machine-learning-plugin_breaker_open_s': '30',
          'machine-learning-plugin_breaker_file': file(),
          'machine-learning-plugin_fail_policy': 'closed',
        };
      });

      test('opens after N consecutive failures; then no call, fail policy at once', async () => {
        const first = await drive(downUrl, { tx: breaker });
        expect(first.tx.get('ml_status')).toBe('unreachable');
        expect(state()).toBe('1 0\n');
        const second = await drive(downUrl, { tx: breaker });
        expect(second.tx.get('detail')).toContain('circuit breaker opened after 2 consecutive failures: no calls for 30 s');
        const [failures, openUntil] = (state() ?? '').split(' ').map(Number);
        expect(failures).toBe(2);
        expect(openUntil).toBeGreaterThan(Date.now() / 1000 + 25);
        const calls = record.calls;
        const third = await drive(record.url, { tx: breaker });
        expect(record.calls).toBe(calls);
        expect(third.tx.get('ml_status')).toBe('breaker-open');
        expect(third.tx.get('action')).toBe('block');
        expect(third.tx.get('detail')).toMatch(/^circuit breaker open: \d+ s left, no call; fail_policy=closed -> block$/);
        // Only the state file is left behind: the temporary files were renamed over it.
        expect(readdirSync(stateDir)).toEqual(['breaker']);
      });

      test('after open_s one trial call: success closes it (the file goes), failure opens it again at once', async () => {
        writeFileSync(file(), `2 ${now() - 1}\n`);
        const calls = record.calls;
        const success = await drive(record.url, { tx: breaker });
        expect(record.calls).toBe(calls + 1);
        expect(success.tx.get('ml_status')).toBe('pass');
        expect(state()).toBeUndefined();
        writeFileSync(file(), `2 ${now() - 1}\n`);
        const failure = await drive(downUrl, { tx: breaker });
        expect(failure.tx.get('ml_status')).toBe('unreachable');
        expect(failure.tx.get('detail')).toContain('circuit breaker opened after 3 consecutive failures');
      });

      test('a 4xx answer is about the request: it does not count; a 500 does', async () => {
        const status400 = await startEndpoint({ kind: 'status', status: 400, body: 'bad field' });
        try {
          writeFileSync(file(), '1 0\n');
          await drive(status400.url, { tx: breaker });
          expect(state()).toBeUndefined();
          writeFileSync(file(), '1 0\n');
          const after500 = await drive(failing.url, { tx: breaker });
          expect(after500.tx.get('detail')).toContain('circuit breaker opened after 2 consecutive failures');
        } finally {
          await status400.close();
        }
      });

      test('a healthy server never writes the file', async () => {
        const result = await drive(record.url, { tx: breaker });
        expect(result.tx.get('ml_status')).toBe('pass');
        expect(readdirSync(stateDir)).toEqual([]);
      });

      test('a folder it cannot write: the failure says so and what to do, the call still happens', async () => {
        const result = await drive(downUrl, { tx: { ...breaker, 'machine-learning-plugin_breaker_file': path.join(stateDir, 'missing', 'breaker') } });
        expect(result.tx.get('ml_status')).toBe('unreachable');
        expect(result.tx.get('detail')).toMatch(/circuit breaker state not saved \(.*No such file or directory\): make breaker_file's folder writable by the WAF's user; fail_policy=closed -> block$/);
      });

      test('breaker_failures=0 turns it off: the file is neither read nor written', async () => {
        const open = `9 ${now() + 60}\n`;
        writeFileSync(file(), open);
        const result = await drive(downUrl, { tx: { ...breaker, 'machine-learning-plugin_breaker_failures': '0' } });
        expect(result.tx.get('ml_status')).toBe('unreachable');
        expect(state()).toBe(open);
      });
    });

    describe('shadow mode', () => {
      test.each([
        // model verdict, CRS score, CRS's verdict (applied)
        ['block', '0', 'pass'],
        ['pass', '7', 'block'],
      ])('the model says %s, CRS score %s: CRS decides (%s), the model is logged', async (model, crsScore, action) => {
        const endpoint = await startEndpoint({ kind: 'status', status: model === 'block' ? 401 : 200, body: model === 'block' ? 'score=-2' : 'score=3' });
        try {
          const result = await drive(endpoint.url, {
            tx: { 'machine-learning-plugin_shadow': '1', 'machine-learning-plugin_crs_score': crsScore, 'machine-learning-plugin_inbound_anomaly_score_threshold': '5', 'machine-learning-plugin_fail_policy': 'closed' },
          });
          expect(endpoint.calls).toBe(1);
          expect(result.tx.get('ml_status')).toBe(model === 'block' ? 'anomaly' : 'pass');
          expect(result.tx.get('shadow_verdict')).toBe(model);
          expect(result.tx.get('action')).toBe(action);
          expect(result.tx.get('detail')).toBe(`shadow: the model says ${model}, CRS's verdict applies`);
        } finally {
          await endpoint.close();
        }
      });

      test('a failure in shadow mode: the fail policy is the shadow verdict, CRS still decides', async () => {
        const result = await drive(downUrl, { tx: { 'machine-learning-plugin_shadow': '1', 'machine-learning-plugin_fail_policy': 'closed', 'machine-learning-plugin_crs_score': '0' } });
        expect(result.tx.get('shadow_verdict')).toBe('block');
        expect(result.tx.get('action')).toBe('pass');
      });

      test('not in shadow mode: shadow_verdict is none', async () => {
        const result = await drive(record.url);
        expect(result.tx.get('shadow_verdict')).toBe('none');
      });
    });

    test('unix:/path: the call goes over a Unix domain socket', async () => {
      const socketPath = path.join(dir, `ml-${lua.bin}-${lua.transport}.sock`);
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(401).end(req.headers.host === 'localhost' ? 'score=-1.5' : 'no Host: localhost'));
      });
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      try {
        const result = await drive(`unix:${socketPath}`);
        expect(result.tx.get('ml_status')).toBe('anomaly');
        expect(result.tx.get('ml_score')).toBe('-1.5');
        const missing = await drive(`unix:${socketPath}.missing`, { tx: { 'machine-learning-plugin_fail_policy': 'open' } });
        expect(missing.tx.get('ml_status')).toBe('unreachable');
        expect(missing.tx.get('detail')).toContain(`connect to unix:${socketPath}.missing failed`);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
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
      const closed = await drive(record.url, { tx: { 'machine-learning-plugin_fail_policy': 'closed' } }, hidden);
      expect(closed.tx.get('ml_status')).toBe('client-error');
      expect(closed.tx.get('action')).toBe('block');
      expect(closed.tx.get('detail')).toMatch(/^LuaSocket is missing \(apt-get install lua-socket, or build plugin\/native\)/);
      const open = await drive(record.url, { tx: { 'machine-learning-plugin_fail_policy': 'open' } }, hidden);
      expect(open.tx.get('action')).toBe('pass');
    });

  });
});
