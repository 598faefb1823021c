/**
 * Sends every value of values.jsonl (training/data.py) as `GET /?q=<value>` through a real
 * Apache 2.4 + ModSecurity 2.9 + CRS 4 (../shared/crs, the e2e harness's ApacheInstance) at a
 * paranoia level, and records CRS's scores for each: inbound anomaly score per PL and per category.
 *
 *   bash training/crs-scores.sh --pl 2 --only heldout   (compiles this file, then runs it with nice)
 *   (options: --pl 1|2, --cache DIR (default /work/cache-models), --only heldout|train, --concurrency N,
 *    --flagged FILE: only ids an earlier run scored pl1 >= 5)
 *
 * Writes <cache>/crs-pl<N>.jsonl: {"id", "query", "status", "pl1".."pl4", "sqli", "xss", "rce", "lfi", "rfi",
 * "php", "http", "session"} (an absent TX variable is 0; status 0 = no answer). Derived from
 * ../shared/datasets, so it stays outside the repository. A phase-5 rule (test only, id 10099) logs
 * the TX variables with the value's id; the ML plugin is disabled so CRS decides alone.
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { ApacheInstance } from '../test/e2e/support/apache';
import { crs4Flavour, detectEnvironment } from '../test/e2e/support/environment';

/** The TX variables logged, as (short name, TX name). */
export const CRS_SCORE_VARIABLES: ReadonlyArray<readonly [string, string]> = [
  ['pl1', 'inbound_anomaly_score_pl1'],
  ['pl2', 'inbound_anomaly_score_pl2'],
  ['pl3', 'inbound_anomaly_score_pl3'],
  ['pl4', 'inbound_anomaly_score_pl4'],
  ['sqli', 'sql_injection_score'],
  ['xss', 'xss_score'],
  ['rce', 'rce_score'],
  ['lfi', 'lfi_score'],
  ['rfi', 'rfi_score'],
  ['php', 'php_injection_score'],
  ['http', 'http_violation_score'],
  ['session', 'session_fixation_score'],
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** ApacheInstance plus a config file that sets the paranoia level, turns the plugin off and logs TX scores. */
class ScoringApache extends ApacheInstance {
  constructor(private readonly pl: number) {
    const env = detectEnvironment();
    super({ env, flavour: crs4Flavour(), endpoints: new Map([['none', 'http://127.0.0.1:9/']]), defaultEndpoint: 'none' });
  }

  protected override crsIncludes(): string {
    const includes = super.crsIncludes();
    const logdata = CRS_SCORE_VARIABLES.map(([short, tx]) => `${short}=%{tx.${tx}}`).join(' ');
    writeFileSync(
      path.join(this.dir, 'plugins', 'zz-scores-config.conf'),
      `SecAction "id:10098,phase:1,pass,nolog,t:none,setvar:'tx.blocking_paranoia_level=${this.pl}',setvar:'tx.detection_paranoia_level=${this.pl}',setvar:'tx.machine-learning-plugin_enabled=0'"\n` +
        `SecAction "id:10099,phase:5,pass,log,noauditlog,t:none,msg:'crs-ml-scores',logdata:'idx=%{request_headers.x-crs-ml-idx} ${logdata}'"\n`,
    );
    return includes;
  }
}

function send(port: number, id: number, query: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: `/?q=${query}`, headers: { Host: 'shop.example', 'X-Crs-Ml-Idx': String(id), Accept: 'text/html', 'User-Agent': 'Mozilla/5.0 (crs-ml-server training)' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

async function main(): Promise<void> {
  const pl = Number(arg('pl', '2'));
  const cache = arg('cache', '/work/cache-models');
  const only = arg('only', '');
  const concurrency = Number(arg('concurrency', '6'));
  // --flagged FILE: only the ids an earlier run scored pl1 >= 5 (a PL1 run only matters for those).
  const flaggedFile = arg('flagged', '');
  const flagged = flaggedFile === '' ? undefined : new Set(readFileSync(flaggedFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; pl1: number }).filter((r) => r.pl1 >= 5).map((r) => r.id));
  const rows: Array<{ id: number; query: string }> = [];
  const lines = readline.createInterface({ input: createReadStream(path.join(cache, 'values.jsonl')) });
  for await (const line of lines) {
    const row = JSON.parse(line) as { id: number; query: string; split: string };
    if (flagged !== undefined && !flagged.has(row.id)) continue;
    if (only === '' || (only === 'heldout') === (row.split === 'heldout')) rows.push({ id: row.id, query: row.query });
  }
  const apache = new ScoringApache(pl);
  await apache.start();
  const port = Number(new URL(apache.baseUrl).port);
  const status = new Map<number, number>();
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      status.set(row.id, await send(port, row.id, row.query));
      if (next % 2000 === 0) process.stdout.write(`${next}/${rows.length} (${Math.round(next / ((Date.now() - started) / 1000))}/s)\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await new Promise((r) => setTimeout(r, 1000));
  const log = apache.readErrorLog();
  await apache.stop();
  const scores = new Map<number, Record<string, number>>();
  for (const m of log.matchAll(/\[data "idx=(\d+) ([^"]*)"\]/g)) {
    const entry: Record<string, number> = {};
    for (const [, short, value] of m[2].matchAll(/(\w+)=(\d*)/g)) entry[short] = value === '' ? 0 : Number(value);
    scores.set(Number(m[1]), entry);
  }
  const out = path.join(cache, arg('out', `crs-pl${pl}${only ? `-${only}` : ''}.jsonl`));
  const zero = Object.fromEntries(CRS_SCORE_VARIABLES.map(([short]) => [short, 0]));
  writeFileSync(out, rows.map((row) => JSON.stringify({ id: row.id, query: row.query, status: status.get(row.id) ?? 0, logged: scores.has(row.id), ...zero, ...scores.get(row.id) })).join('\n') + '\n');
  process.stdout.write(`wrote ${rows.length} rows (${scores.size} logged) to ${out} in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
