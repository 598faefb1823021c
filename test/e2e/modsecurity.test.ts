import path from 'node:path';
import os from 'node:os';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { ApacheInstance } from './support/apache';
import { NginxInstance } from './support/nginx';
import { CONTROL_HEADERS, type Engine, type WafInstance, type WafOptions } from './support/waf';
import { cannotRun } from './support/cannot-run';
import { nativeModule } from './support/native-module';
import { APACHE_REQUIRED, detectEnvironment, NGINX_REQUIRED } from './support/environment';
import { parseRequestBody } from '../../src/contract/parse-request';
import { loadFtwFiles, runStage, type FtwTarget } from './support/ftw-runner';
import { startCliServer, startEndpoint, freePort, probeModelsDir, type CliServer, type Endpoint } from './support/ml-endpoints';

/**
 * The plugin on a real ModSecurity, once per server and CRS version: every go-ftw case of
 * test/e2e/cases/ against CRS 3.3 (Debian) and CRS 4 (../shared/crs or CRS_ML_CRS4_DIR), on
 * Apache 2.4 + ModSecurity 2.9 and, when installed, nginx + libmodsecurity 3.
 * Slow (each server loads CRS several times): runs when CRS_ML_E2E=1 or when the servers are
 * installed; with CRS_ML_E2E=1 a missing Apache fails instead of skipping (nginx is optional
 * unless CRS_ML_E2E_NGINX=1).
 */
const env = detectEnvironment();
const cases = loadFtwFiles(path.join(__dirname, 'cases'));
const ADAPTERS_DIR = path.join(__dirname, 'fixtures', 'adapters');
const THRESHOLD = { threshold: -0.313, anomalyWhen: 'below' };
/** A trained model from saved_models/, used when the server can load it (CRS_ML_E2E_MODEL overrides). */
const TRAINED_DIR = path.resolve(__dirname, '..', '..', process.env.CRS_ML_E2E_MODEL ?? 'saved_models/rf-waf-v1');
const trainedSkip = env.serverSkip ?? (env.apacheSkip !== undefined && env.nginxSkip !== undefined ? env.apacheSkip : probeModelsDir(TRAINED_DIR));

interface ServerKind {
  readonly name: string;
  /** As named in the cases' `x_skip`. */
  readonly engine: Engine;
  readonly skip?: string;
  /** Whether a missing server fails the run instead of skipping. */
  readonly required: boolean;
  make(options: WafOptions, backendUrl: string): WafInstance;
}

const SERVERS: readonly ServerKind[] = [
  { name: 'Apache + ModSecurity 2', engine: 'modsecurity2', skip: env.apacheSkip, required: APACHE_REQUIRED(), make: (o) => new ApacheInstance(o) },
  { name: 'nginx + libmodsecurity 3', engine: 'libmodsecurity3', skip: env.nginxSkip, required: NGINX_REQUIRED(), make: (o, backend) => new NginxInstance(o, backend) },
];

/** Why plugin/native cannot be built for a server's Lua here (its WAF then runs LuaSocket only). */
const nativeSkip = (server: ServerKind): string | undefined => nativeModule(server.engine === 'modsecurity2' ? '5.1' : '5.3').skip;

for (const server of SERVERS) {
  if (server.skip !== undefined) cannotRun(`the ${server.name} suite`, server.skip, server.required);
  else if (nativeSkip(server) !== undefined) cannotRun(`crs_ml_native on ${server.name}`, nativeSkip(server) as string, server.required);
}

if (SERVERS.some((server) => server.skip === undefined)) {
  const servers: CliServer[] = [];
  const endpoints = new Map<string, Endpoint>();
  const urls = new Map<string, string>();
  let modelsRoot = '';
  let backend: Endpoint | undefined;

  beforeAll(async () => {
    modelsRoot = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-e2e-models-'));
    const cli = async (name: string, manifest: object) => {
      const server = await startCliServer(path.join(modelsRoot, name), manifest);
      servers.push(server);
      return server.url;
    };
    // Deterministic models: the random stub with low = high, and a constant fractional score.
    const [block, pass, negative] = await Promise.all([
      cli('block', { adapter: 'random', ...THRESHOLD, options: { seed: 1, low: -2, high: -2 } }),
      cli('pass', { adapter: 'random', ...THRESHOLD, options: { seed: 1, low: 3, high: 3 } }),
      cli('negative', { adapter: 'constant', adapters: ADAPTERS_DIR, ...THRESHOLD, options: { score: -0.2 } }),
    ]);
    endpoints.set('block', await startEndpoint({ kind: 'proxy', target: block }));
    endpoints.set('pass', await startEndpoint({ kind: 'proxy', target: pass }));
    endpoints.set('negative', await startEndpoint({ kind: 'proxy', target: negative }));
    endpoints.set('record', await startEndpoint({ kind: 'status', status: 200, body: 'score=0' }));
    endpoints.set('error', await startEndpoint({ kind: 'status', status: 500, body: 'boom' }));
    endpoints.set('garbage', await startEndpoint({ kind: 'status', status: 200, body: 'all good' }));
    endpoints.set('hang', await startEndpoint({ kind: 'hang' }));
    // The application behind nginx (not counted as a model call).
    backend = await startEndpoint({ kind: 'status', status: 200, body: '<p>hello</p>' });
    if (trainedSkip === undefined) {
      const trained = await startCliServer(TRAINED_DIR);
      servers.push(trained);
      endpoints.set('trained', await startEndpoint({ kind: 'proxy', target: trained.url }));
    }
    for (const [name, endpoint] of endpoints) urls.set(name, endpoint.url);
    urls.set('down', `http://127.0.0.1:${await freePort()}/`);
    // The block model again, on a Unix socket the WAF's workers (www-data under root) can reach.
    chmodSync(modelsRoot, 0o755);
    const unix = await startCliServer(path.join(modelsRoot, 'unix'), { adapter: 'random', ...THRESHOLD, options: { seed: 1, low: -2, high: -2 } }, path.join(modelsRoot, 'ml.sock'));
    servers.push(unix);
    urls.set('unix', unix.url);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...endpoints.values(), ...(backend ? [backend] : [])].map((e) => e.close()));
    await Promise.all(servers.map((s) => s.stop()));
    if (modelsRoot !== '') rmSync(modelsRoot, { recursive: true, force: true });
  });

  const combos = SERVERS.filter((server) => server.skip === undefined).flatMap((server) =>
    env.flavours.map((f) => [`${server.name}, ${f.flavour.name}`, server, f] as const),
  );
  describe.each(combos)('%s', (_name, server, { flavour, skip }) => {
    if (skip !== undefined) {
      test.skip(`skipped: ${skip}`, () => undefined);
      return;
    }
    const label = `${server.name}, ${flavour.name}`;
    const make = (clientSource?: string) => server.make({ env, flavour, endpoints: urls, defaultEndpoint: 'pass', clientSource }, backend?.url ?? '');
    let waf: WafInstance;
    let target: FtwTarget;

    beforeAll(async () => {
      waf = make();
      await waf.start();
      target = {
        baseUrl: waf.baseUrl,
        logLinesFor: (id) => waf.logLinesFor(id),
        calls: () => [...endpoints.values()].reduce((sum, e) => sum + e.calls, 0),
        // Cases that check what the client sent use the recording endpoint.
        lastCallBody: () => endpoints.get('record')?.bodies.at(-1),
      };
    }, 60_000);

    afterAll(async () => {
      await waf?.stop();
    });

    for (const file of cases) {
      describe(`${file.file}: ${file.meta?.description ?? ''}`, () => {
        for (const ftwTest of file.tests) {
          const why = ftwTest.x_skip?.[server.engine];
          (why === undefined ? test : test.skip)(`${file.rule_id}-${ftwTest.test_id} ${ftwTest.desc ?? ''}${why ? ` (skipped: ${why})` : ''}`, async () => {
            for (const stage of ftwTest.stages) {
              const { failures } = await runStage(target, stage.input, stage.output);
              expect(failures).toEqual([]);
            }
          });
        }
      });
    }

    const trainedCases: Array<[string, { method: string; uri: string; data?: string; type?: string }]> = [
      ['benign GET', { method: 'GET', uri: '/index.html?q=fish+and+chips&page=2' }],
      ['XSS GET', { method: 'GET', uri: '/index.html?q=<script>alert(document.cookie)</script>' }],
      ['SQLi POST', { method: 'POST', uri: '/index.html', data: "user=admin' OR '1'='1' --&pass=x", type: 'application/x-www-form-urlencoded' }],
    ];
    const trainedTest = trainedSkip === undefined ? test.each(trainedCases) : test.skip.each(trainedCases);
    trainedTest(`trained model ${path.basename(TRAINED_DIR)}, mode 2, %s: verdict, status and log line agree${trainedSkip ? ` (skipped: ${trainedSkip})` : ''}`, async (name, request) => {
      const headers: Record<string, string> = { Host: 'localhost', 'User-Agent': 'OWASP CRS test agent', Accept: 'text/html', [CONTROL_HEADERS.server]: 'trained' };
      if (request.type !== undefined) headers['Content-Type'] = request.type;
      const { failures, status: httpStatus, log } = await runStage(target, { method: request.method, uri: request.uri, data: request.data, headers }, { x_ml_calls: 1 });
      expect(failures).toEqual([]);
      const line = /verdict=(\w+) ml_status=(\S+) ml_score=(\S+) crs_score=(\d+)/.exec(log.join('\n'));
      expect(line).not.toBeNull();
      const [, verdict, status, score, crsScore] = line as RegExpExecArray;
      expect(['pass', 'anomaly']).toContain(status);
      expect(Number.isFinite(Number(score))).toBe(true);
      expect(verdict).toBe(status === 'anomaly' ? 'block' : 'pass');
      expect(httpStatus).toBe(verdict === 'block' ? 403 : 200);
      process.stdout.write(`[e2e ${label}] trained model on ${name}: ml_status=${status} ml_score=${score} crs_score=${crsScore}\n`);
    });

    test("contract v2: CRS's own scores arrive as numbers, the inbound one equal to the score the plugin logs", async () => {
      const headers = { Host: 'localhost', 'User-Agent': 'OWASP CRS test agent', Accept: 'text/html', [CONTROL_HEADERS.server]: 'record' };
      const before = new Date();
      const { failures, log } = await runStage(target, { method: 'GET', uri: '/index.html?q=<script>alert(1)</script>', headers }, { x_ml_calls: 1 });
      const after = new Date();
      expect(failures).toEqual([]);
      const parsed = parseRequestBody(endpoints.get('record')?.bodies.at(-1) ?? Buffer.alloc(0));
      // TIME_HOUR and TIME_DAY as rule 9516590 expands them (the WAF's local time, as ours).
      expect([before.getHours(), after.getHours()]).toContain(parsed.hour);
      expect([before.getDate(), after.getDate()]).toContain(parsed.day);
      expect(parsed.body).toBeUndefined();
      const crs = new Map(parsed.crs);
      const crsScore = Number(/crs_score=(\d+)/.exec(log.join('\n'))?.[1]);
      expect(crsScore).toBeGreaterThan(0);
      // CRS 4 names its scores per paranoia level; CRS 3.3 has anomaly_score_pl1.. and anomaly_score.
      const crs4 = flavour.pluginLayout === 'plugins-folder';
      const expected = crs4
        ? ['inbound_anomaly_score_pl1', 'inbound_anomaly_score_pl2', 'inbound_anomaly_score_pl3', 'inbound_anomaly_score_pl4', 'blocking_inbound_anomaly_score', 'xss_score', 'sql_injection_score']
        : ['anomaly_score', 'anomaly_score_pl1', 'anomaly_score_pl2', 'anomaly_score_pl3', 'anomaly_score_pl4', 'xss_score', 'sql_injection_score'];
      for (const name of expected) expect(typeof crs.get(name)).toBe('number');
      expect(crs.get(crs4 ? 'blocking_inbound_anomaly_score' : 'anomaly_score')).toBe(crsScore);
      expect(crs.get('xss_score')).toBeGreaterThan(0);
      process.stdout.write(`[e2e ${label}] crs field for an XSS GET: ${JSON.stringify(parsed.crs)}\n`);
    });

    describe('with a client script that fails (rules apply the fail policy)', () => {
      let broken: WafInstance;
      let brokenTarget: FtwTarget;
      beforeAll(async () => {
        broken = make('function main()\n  error("simulated client failure")\nend\n');
        await broken.start();
        brokenTarget = { ...target, baseUrl: broken.baseUrl, logLinesFor: (id) => broken.logLinesFor(id) };
      }, 60_000);
      afterAll(async () => {
        await broken?.stop();
      });

      test.each([
        ['open', '/index.html?q=<script>alert(1)</script>', 200, 'pass'],
        ['closed', '/index.html', 403, 'block'],
        ['crs', '/index.html', 200, 'pass'],
        ['crs', '/index.html?q=<script>alert(1)</script>', 403, 'block'],
      ] as const)('fail_policy=%s, %s: %d', async (policy, uri, status, verdict) => {
        const headers = { Host: 'localhost', 'User-Agent': 'OWASP CRS test agent', Accept: 'text/html', [CONTROL_HEADERS.failPolicy]: policy };
        const { failures } = await runStage(brokenTarget, { method: 'GET', uri, headers }, {
          status,
          log: { match_regex: `verdict=${verdict} ml_status=client-error ml_score=none .* fail_policy=${policy} .*the client script did not finish` },
          x_ml_calls: 0,
        });
        expect(failures).toEqual([]);
      });
    });

    const withNative = nativeSkip(server) === undefined;
    test.each([
      ['1', withNative ? 'crs_ml_native keeps connections between calls' : `crs_ml_native not built, LuaSocket (${nativeSkip(server)})`],
      ['0', 'LuaSocket, one connection per call'],
    ] as const)('native_client=%s: %s', async (native, _what) => {
      const record = endpoints.get('record') as Endpoint;
      const headers = { Host: 'localhost', 'User-Agent': 'OWASP CRS test agent', Accept: 'text/html', [CONTROL_HEADERS.server]: 'record', [CONTROL_HEADERS.nativeClient]: native };
      const [calls, connections] = [record.calls, record.connections];
      const requests = 12;
      for (let i = 0; i < requests; i++) {
        const { failures } = await runStage(target, { method: 'GET', uri: `/index.html?n=${i}`, headers }, { status: 200, x_ml_calls: 1 });
        expect(failures).toEqual([]);
      }
      expect(record.calls - calls).toBe(requests);
      const opened = record.connections - connections;
      // Each worker process keeps its own idle connections: Apache may pass the requests to a few.
      if (native === '1' && withNative) expect(opened).toBeLessThanOrEqual(requests / 2);
      else expect(opened).toBe(requests);
      process.stdout.write(`[e2e ${label}] native_client=${native}: ${requests} calls over ${opened} connections\n`);
    });

    test('per-request overhead of the plugin (mode 2, local model server)', async () => {
      const headers = { Host: 'localhost', 'User-Agent': 'OWASP CRS test agent', Accept: 'text/html', [CONTROL_HEADERS.server]: 'pass', [CONTROL_HEADERS.logPass]: '0' };
      const measure = async (enabled: string) => {
        const times: number[] = [];
        for (let i = 0; i < 40; i++) {
          const { failures, ms } = await runStage(target, { method: 'GET', uri: `/index.html?i=${i}`, headers: { ...headers, [CONTROL_HEADERS.enabled]: enabled } }, { status: 200 });
          expect(failures).toEqual([]);
          times.push(ms);
        }
        times.sort((a, b) => a - b);
        return times[Math.floor(times.length / 2)];
      };
      await measure('1'); // warm-up
      const off = await measure('0');
      const on = await measure('1');
      process.stdout.write(`[e2e ${label}] median round trip: plugin off ${off.toFixed(2)} ms, plugin on ${on.toFixed(2)} ms, overhead ${(on - off).toFixed(2)} ms\n`);
      // Generous: a call costs a few ms; anything near the 300 ms timeout means something is wrong.
      expect(on - off).toBeLessThan(100);
    }, 60_000);
  });
}
