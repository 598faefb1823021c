import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRequestBody } from '../../src/contract/parse-request';
import { cannotRun } from './support/cannot-run';
import { APACHE_REQUIRED, detectEnvironment } from './support/environment';
import { formFields, pairsField } from './support/form-fields';
import { clientSetups, createLuaDriver } from './support/lua-driver';
import { luaVersionOf, nativeModule } from './support/native-module';
import { startCliServer, startEndpoint, type CliServer, type Endpoint } from './support/ml-endpoints';

/**
 * plugin/machine-learning-client.lua outside ModSecurity (test/e2e/lua/drive-client.lua gives it a
 * mock `m` with ModSecurity 2's setvar sign rule), under lua5.1 and lua5.3 with LuaSocket: what it
 * sends, as the server parses it, and the TX variables it sets from the real CLI server's answers.
 * Server failures are in lua-client-failures.test.ts.
 */
const env = detectEnvironment();
const ADAPTERS_DIR = path.join(__dirname, 'fixtures', 'adapters');
const THRESHOLD = { threshold: -0.313, anomalyWhen: 'below' };

const describeServers = env.serverSkip === undefined ? describe : describe.skip;
if (env.serverSkip !== undefined) cannotRun('the Lua client tests', env.serverSkip, APACHE_REQUIRED());

describeServers('machine-learning-client.lua against the CLI server', () => {
  let dir = '';
  const servers: CliServer[] = [];
  let block: Endpoint;
  let fraction: Endpoint;
  let pass: Endpoint;
  let record: Endpoint;

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
  }, 60_000);

  afterAll(async () => {
    await Promise.all([block, fraction, pass, record].filter(Boolean).map((e) => e.close()));
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(clientSetups(env.luaVersions).map((setup) => [setup.name, setup] as const))('under %s', (_name, lua) => {
    if (lua.skip !== undefined) {
      cannotRun(`the ${lua.name} client tests`, lua.skip, lua.required);
      return;
    }
    const drive = (...args: Parameters<ReturnType<typeof createLuaDriver>>) => createLuaDriver(lua.bin, dir, lua.transport)(...args);

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
        version: 2,
        headers: [],
        cookies: [],
        crs: [],
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

    describe('contract v2: headers, cookies, CRS scores, body cap, privacy settings', () => {
      const HEADERS: Array<[string, string]> = [
        ['REQUEST_HEADERS:Host', 'shop.example'],
        ['REQUEST_HEADERS:User-Agent', '${jndi:ldap://x.example/a} "q" \\ é'],
        ['REQUEST_HEADERS:Authorization', 'Bearer secret-token'],
        ['REQUEST_HEADERS:Cookie', 'lang=en; PHPSESSID=abc123'],
        ['REQUEST_HEADERS:X-Api-Key', 'k-123'],
        ['REQUEST_HEADERS:X-Forwarded-For', '10.0.0.1'],
        ['REQUEST_HEADERS:X-Forwarded-For', '10.0.0.2'],
      ];
      const COOKIES: Array<[string, string]> = [
        ['REQUEST_COOKIES:lang', 'en'],
        ['REQUEST_COOKIES:PHPSESSID', 'abc123'],
        ['REQUEST_COOKIES:pref', "1' OR '1'='1"],
        ['REQUEST_COOKIES:csrf_token', 't0k'],
      ];
      const SCORES = { 'machine-learning-plugin_send_crs_scores': '1', 'inbound_anomaly_score_pl1': '5', 'inbound_anomaly_score_pl2': '0', 'sql_injection_score': '5', 'xss_score': '0', 'anomaly_score': 'oops' };
      const last = () => formFields(record.bodies[record.bodies.length - 1]);

      test('defaults: v=2, headers minus Authorization/Cookie/X-Api-Key, session and token cookies emptied, CRS scores as numbers', async () => {
        await drive(record.url, { REQUEST_HEADERS: HEADERS, REQUEST_COOKIES: COOKIES, tx: SCORES });
        const fields = last();
        expect(fields.get('v')).toBe('2');
        expect(pairsField(fields, 'headers')).toEqual([
          ['REQUEST_HEADERS:Host', 'shop.example'],
          ['REQUEST_HEADERS:User-Agent', '${jndi:ldap://x.example/a} "q" \\ é'],
          ['REQUEST_HEADERS:X-Forwarded-For', '10.0.0.1'],
          ['REQUEST_HEADERS:X-Forwarded-For', '10.0.0.2'],
        ]);
        expect(pairsField(fields, 'cookies')).toEqual([
          ['REQUEST_COOKIES:lang', 'en'],
          ['REQUEST_COOKIES:PHPSESSID', ''],
          ['REQUEST_COOKIES:pref', "1' OR '1'='1"],
          ['REQUEST_COOKIES:csrf_token', ''],
        ]);
        // Only CRS's own names, only integers, as JSON numbers; scores a request lacks are not sent.
        expect(fields.get('crs')).toBe('{"inbound_anomaly_score_pl1":5,"inbound_anomaly_score_pl2":0,"sql_injection_score":5,"xss_score":0}');
        // And the server's parser reads them so.
        const parsed = parseRequestBody(record.bodies[record.bodies.length - 1]);
        expect(parsed.version).toBe(2);
        expect(parsed.crs).toEqual([['inbound_anomaly_score_pl1', 5], ['inbound_anomaly_score_pl2', 0], ['sql_injection_score', 5], ['xss_score', 0]]);
        expect(parsed.headers).toEqual(pairsField(fields, 'headers'));
        expect(parsed.cookies).toEqual(pairsField(fields, 'cookies'));
      });

      test('exclude_headers / redact_cookies patterns, and each part switched off', async () => {
        await drive(record.url, {
          REQUEST_HEADERS: HEADERS,
          REQUEST_COOKIES: COOKIES,
          tx: { 'machine-learning-plugin_exclude_headers': 'x-* HOST', 'machine-learning-plugin_redact_cookies': 'lang *ref' },
        });
        let fields = last();
        expect(pairsField(fields, 'headers')?.map(([name]) => name)).toEqual(['REQUEST_HEADERS:User-Agent', 'REQUEST_HEADERS:Authorization', 'REQUEST_HEADERS:Cookie']);
        expect(pairsField(fields, 'cookies')?.map(([, value]) => value)).toEqual(['', 'abc123', '', 't0k']);
        await drive(record.url, {
          REQUEST_HEADERS: HEADERS,
          REQUEST_COOKIES: COOKIES,
          tx: { ...SCORES, 'machine-learning-plugin_send_headers': '0', 'machine-learning-plugin_send_cookies': '0', 'machine-learning-plugin_send_crs_scores': '0' },
        });
        fields = last();
        expect([...fields.keys()]).toEqual(['v', 'method', 'path', 'args', 'files', 'sizes', 'hour', 'day']);
      });

      test('a raw body is capped at body_max_bytes; 0 never sends it', async () => {
        const raw = `{"q":"${'x'.repeat(100)}"}`;
        await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQUEST_BODY: raw }, tx: { 'machine-learning-plugin_body_max_bytes': '10' } });
        expect(last().get('body')).toBe(raw.slice(0, 10));
        await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQUEST_BODY: raw } });
        expect(last().get('body')).toBe(raw);
        await drive(record.url, { vars: { REQUEST_METHOD: 'POST', REQUEST_BODY: raw }, tx: { 'machine-learning-plugin_body_max_bytes': '0' } });
        expect(last().has('body')).toBe(false);
      });

      test('libmodsecurity 3: headers and cookies read from FULL_REQUEST', async () => {
        const full = 'Host: shop.example\nUser-Agent: () { :; }; echo x: y\nAuthorization: Basic eA==\nCookie: lang=en;  PHPSESSID=abc; flag\nCookie: b=2\n\n\nbody\n\nmore';
        await drive(record.url, { vars: { FULL_REQUEST: full } }, { MOCK_ENGINE: 'libmodsecurity3' });
        const fields = last();
        expect(pairsField(fields, 'headers')).toEqual([
          ['REQUEST_HEADERS:Host', 'shop.example'],
          ['REQUEST_HEADERS:User-Agent', '() { :; }; echo x: y'],
        ]);
        expect(pairsField(fields, 'cookies')).toEqual([
          ['REQUEST_COOKIES:lang', 'en'],
          ['REQUEST_COOKIES:PHPSESSID', ''],
          ['REQUEST_COOKIES:flag', ''],
          ['REQUEST_COOKIES:b', '2'],
        ]);
      });
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

  describe.each(env.luaVersions.map((v) => [v.bin, v] as const))('under %s: crs_ml_native writes the body LuaSocket would', (_bin, lua) => {
    const native = nativeModule(luaVersionOf(lua.bin));
    if (lua.skip !== undefined || native.skip !== undefined) {
      cannotRun(`the ${lua.bin} body comparison`, lua.skip ?? (native.skip as string), lua.required);
      return;
    }

    test('every byte in names and values, and numeric edge cases, encoded byte for byte alike', async () => {
      const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const spec = {
        vars: { REQUEST_METHOD: 'POST', REQUEST_FILENAME: '/a b/é', REQBODY_PROCESSOR: 'MULTIPART' },
        ARGS: [['ARGS:all', everyByte], [Buffer.concat([Buffer.from('ARGS:'), everyByte]), 'x'], ['ARGS:empty', '']] as Array<[Buffer | string, Buffer | string]>,
        FILES: [['FILES:f', 'a"b\\c']] as Array<[string, string]>,
        FILES_SIZES: ['0', '-0', '-12', '007', '+1', '1.5', '-', '', ' 1', '1e3'].map((size, i) => [`FILES_SIZES:s${i}`, size]) as Array<[string, string]>,
        REQUEST_HEADERS: [['REQUEST_HEADERS:User-Agent', everyByte], ['REQUEST_HEADERS:Cookie', 'a=b']] as Array<[string, Buffer | string]>,
        REQUEST_COOKIES: [['REQUEST_COOKIES:theme', 'dark\u0001'], ['REQUEST_COOKIES:PHPSESSID', 'secret']] as Array<[string, string]>,
      };
      const bodiesOf = async (request: typeof spec): Promise<Buffer[]> => {
        const bodies: Buffer[] = [];
        for (const transport of ['luasocket', 'native'] as const) {
          const before = record.bodies.length;
          const result = await createLuaDriver(lua.bin, dir, transport)(record.url, request);
          expect(result.tx.get('ml_status')).toBe('pass'); // the recording endpoint answers 200 to anything
          bodies.push(record.bodies[before]);
        }
        return bodies;
      };
      // Sizes that are no byte count (a real server refuses such a body with 400): only the bytes compared.
      const [lua1, native1] = await bodiesOf(spec);
      expect(native1.toString('latin1')).toBe(lua1.toString('latin1'));
      const valid = { ...spec, FILES_SIZES: [['FILES_SIZES:a', '0'], ['FILES_SIZES:b', '1024']] as Array<[string, string]> };
      const [lua2, native2] = await bodiesOf(valid);
      expect(native2.toString('latin1')).toBe(lua2.toString('latin1'));
      const parsed = parseRequestBody(native2);
      expect(parsed.sizes).toEqual([['FILES_SIZES:a', 0], ['FILES_SIZES:b', 1024]]);
      // Bytes over 127 that are not UTF-8 come back as surrogateescape, the rest as they were.
      const decoded = Array.from(everyByte, (b) => String.fromCharCode(b < 128 ? b : 0xdc00 + b)).join('');
      expect(parsed.args[0]).toEqual(['ARGS:all', decoded]);
    });
  });
});
