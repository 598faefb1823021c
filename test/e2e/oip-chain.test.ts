import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApacheInstance } from './support/apache';
import { cannotRun } from './support/cannot-run';
import { APACHE_REQUIRED, detectEnvironment, REPO_ROOT } from './support/environment';
import { startCliServer, type CliServer } from './support/ml-endpoints';
import { CONTROL_HEADERS } from './support/waf';

/**
 * Two crs-ml-server processes chained behind the real plugin (Apache + ModSecurity 2.9 + CRS 4):
 * a WAF-side server with `"adapter": "oip"` forwarding to a model server over OIP v2 must answer
 * the Lua client exactly as the model server alone does; with the model server killed, the WAF
 * applies its fail policy and the WAF-side server logs why.
 */
const env = detectEnvironment();
const crs4 = env.flavours.find((f) => f.flavour.name.includes('4'));
const skip = env.apacheSkip ?? crs4?.skip ?? (crs4 === undefined ? 'no CRS 4 flavour' : undefined);
const MODEL_DIR = path.join(REPO_ROOT, 'examples', 'sklearn-iforest', 'saved_models');

/** Everyday and hostile GETs: the forest passes some and flags others. */
const URIS = [
  '/index.html?page=2&sort=price&q=blue+running+shoes',
  '/search?q=fish+%26+chips',
  "/login.php?user=admin'%20OR%201=1--&pw=x",
  '/a?x=%3Cscript%3Ealert(1)%3C/script%3E',
  '/files?name=../../../../etc/passwd',
  '/api/items?id=42&color=blue&size=10',
  '/cmd?c=%3Bcat%20/etc/shadow',
  '/profile?name=O%27Brien&city=Dublin',
];

interface Seen {
  status: number;
  line: string;
}

if (skip !== undefined) {
  cannotRun('the OIP chain suite (Apache)', skip, APACHE_REQUIRED());
} else {
  describe('OIP chain through the real plugin (Apache + ModSecurity 2.9 + CRS 4)', () => {
    let modelServer: CliServer;
    let wafSide: CliServer;
    let waf: ApacheInstance;
    let tmp = '';

    beforeAll(async () => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'crs-ml-oip-chain-'));
      modelServer = await startCliServer(MODEL_DIR);
      wafSide = await startCliServer(path.join(tmp, 'waf-side'), {
        name: 'forwarder',
        adapter: 'oip',
        threshold: -0.090545,
        anomalyWhen: 'below',
        options: { url: modelServer.url.replace(/\/$/, ''), model: 'iforest-waf-v1', timeoutMs: 250 },
      });
      const endpoints = new Map([
        ['direct', modelServer.url],
        ['chain', wafSide.url],
      ]);
      waf = new ApacheInstance({ env, flavour: crs4!.flavour, endpoints, defaultEndpoint: 'direct' });
      await waf.start();
    }, 90_000);

    afterAll(async () => {
      await waf?.stop();
      await wafSide?.stop();
      await modelServer?.stop();
      if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
    });

    async function send(uri: string, headers: Record<string, string>): Promise<Seen> {
      const { status, uniqueId } = await new Promise<{ status: number; uniqueId: string }>((resolve, reject) => {
        const req = http.request(`${waf.baseUrl}${uri}`, { headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, uniqueId: String(res.headers['x-unique-id'] ?? '') }));
        });
        req.setTimeout(10_000, () => req.destroy(new Error('no answer from Apache within 10 s')));
        req.on('error', reject);
        req.end();
      });
      for (let i = 0; i < 40; i++) {
        const line = waf.logLinesFor(uniqueId).find((l) => l.includes('ML plugin: verdict='));
        if (line !== undefined) return { status, line };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { status, line: '' };
    }

    const field = (line: string, name: string) => new RegExp(`${name}=(\\S+)`).exec(line)?.[1];

    it('answers every request exactly as the model server alone (status, verdict, score)', async () => {
      const verdicts = new Set<string>();
      for (const uri of URIS) {
        const mode2 = { [CONTROL_HEADERS.mode]: '2', [CONTROL_HEADERS.logPass]: '1', [CONTROL_HEADERS.failPolicy]: 'closed' };
        const direct = await send(uri, { ...mode2, [CONTROL_HEADERS.server]: 'direct' });
        const chained = await send(uri, { ...mode2, [CONTROL_HEADERS.server]: 'chain' });
        expect(direct.line).not.toBe('');
        expect({ uri, status: chained.status, verdict: field(chained.line, 'verdict'), score: field(chained.line, 'ml_score'), ml: field(chained.line, 'ml_status') }).toEqual({
          uri,
          status: direct.status,
          verdict: field(direct.line, 'verdict'),
          score: field(direct.line, 'ml_score'),
          ml: field(direct.line, 'ml_status'),
        });
        verdicts.add(field(direct.line, 'verdict')!);
      }
      // The comparison means something only if both verdicts occur.
      expect([...verdicts].sort()).toEqual(['block', 'pass']);
    }, 60_000);

    it('with the model server killed, the WAF applies its fail policy and the WAF-side server says why', async () => {
      await modelServer.stop();
      const uri = URIS[0];
      const closed = await send(uri, { [CONTROL_HEADERS.mode]: '2', [CONTROL_HEADERS.failPolicy]: 'closed', [CONTROL_HEADERS.server]: 'chain' });
      expect(closed.status).toBe(403);
      expect(closed.line).toMatch(/verdict=block ml_status=http-503/);
      const open = await send(uri, { [CONTROL_HEADERS.mode]: '2', [CONTROL_HEADERS.failPolicy]: 'open', [CONTROL_HEADERS.server]: 'chain' });
      expect(open.status).toBe(200);
      expect(open.line).toMatch(/verdict=pass ml_status=http-503/);
      expect(wafSide.output()).toMatch(/remote OIP model http:\/\/127\.0\.0\.1:\d+\/v2\/models\/iforest-waf-v1 \(POST\): .*ECONNREFUSED/);
    }, 30_000);
  });
}
