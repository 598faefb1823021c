/**
 * POST / under load, side by side in one run: a bare Node `http` server answering the same body, our
 * server on the random stub, and our server on every bundled model (saved_models/<name>/).
 * Targets (issue 13): stub >= 0.6x bare, every bundled model >= 0.8x the stub.
 *
 * Bodies, as the plugin sends them:
 * - `v1`: the original client's raw legacy body (args only);
 * - `v2`: our client's default (contract v2, url-encoded): a browser's GET with a query string, its
 *   headers (Authorization and Cookie excluded), its cookies (the session cookie redacted) and CRS's
 *   scores, the same body every time;
 * - `v2-varied`: the same request with a fresh `q` value on every request (a counter, starting past the
 *   values of earlier runs: wrk restarts its script every run), so nothing that
 *   depends on the argument's text can be remembered from an earlier request; headers and cookies
 *   repeat as a browser's do within a session. Its waf-v1 feature row barely changes (45 distinct rows
 *   in 100,000 requests), so the forests' row score cache answers nearly every request;
 * - `v2-new-row`: as v2-varied, plus hour, day and the length of `q` moving so that every request of a
 *   47,616-request cycle has a waf-v1 row of its own: the forests score every request (their worst case).
 *
 * Load comes from wrk (https://github.com/wg/wrk), 127.0.0.1 only, ports chosen by the OS. Servers
 * are pinned to core 0 and wrk to core 1 with `taskset` when the machine has two cores or more, so
 * load generation does not steal the server's CPU. The servers alternate, round after round, and
 * medians are reported: a burst of load from elsewhere on a shared machine then lands on every side
 * rather than one. The server's CPU time per answered request (from /proc/<pid>/stat) is reported
 * too: it swings much less than req/s on a shared machine. Without wrk on PATH the bench says so.
 *
 * BENCH_SECONDS (default 3), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default "16"),
 * BENCH_BODIES (default "v1,v2,v2-varied,v2-new-row"), BENCH_MODELS (default: every bundled model).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { medianBy, medianOf } from './support/stats';
import { HAS_WRK, PINNED, pinned, runWrk, wrkPostScript, type WrkRun } from './support/wrk';

const ROOT = path.join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '16').split(',').map(Number);

const LEGACY_BODY =
  'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';

/** The plugin's encoding of a field value (machine-learning-client.lua: all but unreserved bytes escaped). */
const enc = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const HEADERS = {
  'REQUEST_HEADERS:Host': 'shop.example.com',
  'REQUEST_HEADERS:User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'REQUEST_HEADERS:Accept': 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'REQUEST_HEADERS:Accept-Language': 'en-GB,en;q=0.9,fr;q=0.8',
  'REQUEST_HEADERS:Accept-Encoding': 'gzip, deflate, br',
  'REQUEST_HEADERS:Sec-Ch-Ua': '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"',
  'REQUEST_HEADERS:Sec-Fetch-Site': 'same-origin',
  'REQUEST_HEADERS:Referer': 'https://shop.example.com/shop/shoes',
};
const COOKIES = { 'REQUEST_COOKIES:PHPSESSID': '', 'REQUEST_COOKIES:_ga': 'GA1.2.1234567890.1712345678', 'REQUEST_COOKIES:cookie_consent': 'accepted' };
const CRS = { inbound_anomaly_score_pl1: 0, inbound_anomaly_score_pl2: 0, sql_injection_score: 0, xss_score: 0, rce_score: 0, lfi_score: 0 };

/** Our client's v2 body for `GET /shop/search.php?q=<q>&page=2&sort=price` at `hour`:`day`. */
function v2Body(q: string, hour = '14', day = '05'): string {
  const args = `{"ARGS:q":"${q}","ARGS:page":"2","ARGS:sort":"price"}`;
  return (
    `v=2&method=GET&path=${enc('/shop/search.php')}&args=${enc(args)}&files=${enc('{}')}&sizes=${enc('{}')}&hour=${hour}&day=${day}` +
    `&headers=${enc(JSON.stringify(HEADERS))}&cookies=${enc(JSON.stringify(COOKIES))}&crs=${enc(JSON.stringify(CRS))}`
  );
}

/**
 * A wrk script POSTing a v2 body whose `q` is "blue running shoes <n>", n counting up per request.
 * With `newRow`, `q` also ends in 0-63 `x`s and hour and day move, so every request of a cycle of
 * 24 x 31 x 64 = 47,616 gives a waf-v1 row of its own (a plain counter changes the row only when it
 * gains a digit: 45 distinct rows in 100,000 requests).
 */
function variedScript(newRow = false): string {
  const [head, tail] = v2Body('@Q@', '@H@', '@D@').split(enc('@Q@'));
  const [beforeHour, rest] = tail.split('@H@');
  const [betweenHourAndDay, afterDay] = rest.split('@D@');
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'crs-ml-wrk-')), newRow ? 'new-row.lua' : 'varied.lua');
  const q = newRow ? `'blue running shoes ' .. n .. string.rep('x', math.floor(n / 744) % 64)` : `'blue running shoes ' .. n`;
  const hour = newRow ? `string.format('%02d', n % 24)` : `'14'`;
  const day = newRow ? `string.format('%02d', 1 + math.floor(n / 24) % 31)` : `'05'`;
  writeFileSync(
    script,
    // n starts where no earlier run of this bench reached (wrk starts each run afresh): otherwise every
    // round and the warm-up would send the same values again, and memos would see them repeat.
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nlocal n = (os.time() % 100000) * 1000000\n` +
      `request = function()\n  n = n + 1\n  local q = (${q}):gsub(' ', '%%20')\n` +
      `  return wrk.format(nil, nil, nil, ${JSON.stringify(head)} .. q .. ${JSON.stringify(beforeHour)} .. ${hour} .. ` +
      `${JSON.stringify(betweenHourAndDay)} .. ${day} .. ${JSON.stringify(afterDay)})\nend\n`,
  );
  return script;
}

/** What each body measures, printed above its table. */
const BODY_NOTES: ReadonlyMap<string, string> = new Map([
  ['v1', "the original client's legacy body, the same every time"],
  ['v2', 'our client (contract v2: headers, cookies, CRS scores), the same every time'],
  ['v2-varied', "v2 with a new argument value every request (new text items; the forests' feature row repeats)"],
  ['v2-new-row', 'v2-varied whose waf-v1 feature row is new every request too (the forests score every request)'],
]);

const BODIES: ReadonlyMap<string, () => string> = new Map([
  ['v1', () => wrkPostScript(LEGACY_BODY)],
  ['v2', () => wrkPostScript(v2Body('blue running shoes'))],
  ['v2-varied', () => variedScript()],
  ['v2-new-row', () => variedScript(true)],
]);

/** The same answer head as ours (a Content-Length, not chunked): only the work behind it differs. */
const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { Buffer.concat(chunks); res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '7' }); res.end('score=1'); });
}).listen(0, '127.0.0.1', () => process.stdout.write('port=' + server.address().port + '\\n'));`;

/** Our `serve`, on an OS-chosen port, printing it once the model is loaded. */
function ourServerScript(models: string): string {
  const serve = path.join(ROOT, '.bench', 'src', 'cli', 'commands', 'serve.js');
  return (
    `require('reflect-metadata');` +
    `require(${JSON.stringify(serve)}).serve({ models: ${JSON.stringify(models)}, host: '127.0.0.1', port: 0, logLevel: 'warn', maxBodyBytes: 16777216 })` +
    `.then(({ server }) => process.stdout.write('port=' + server.address().port + '\\n'))`
  );
}

interface Target {
  readonly name: string;
  readonly script: string;
}

function stubModels(): string {
  const models = mkdtempSync(path.join(tmpdir(), 'crs-ml-bench-'));
  writeFileSync(path.join(models, 'manifest.json'), JSON.stringify({ adapter: 'random', threshold: -0.313, options: { seed: 1 } }));
  return models;
}

/** Every folder of saved_models/ with a manifest (BENCH_MODELS narrows them). */
function bundledModels(): string[] {
  const saved = path.join(ROOT, 'saved_models');
  const wanted = process.env.BENCH_MODELS?.split(',');
  return readdirSync(saved)
    .filter((name) => existsSync(path.join(saved, name, 'manifest.json')))
    .filter((name) => wanted === undefined || wanted.includes(name))
    .sort();
}

const TARGETS: readonly Target[] = [
  { name: 'bare', script: BARE_SERVER },
  { name: 'stub', script: ourServerScript(stubModels()) },
  ...bundledModels().map((name) => ({ name, script: ourServerScript(path.join(ROOT, 'saved_models', name)) })),
];

function start(target: Target): Promise<{ child: ChildProcess; port: number }> {
  const [command, args] = pinned(0, process.execPath, ['-e', target.script]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /port=(\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${target.name} server exited with ${code}`)));
  });
}

interface Run extends WrkRun {
  /** Server CPU time (user + system) per answered request, in microseconds. */
  readonly cpuUs: number;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU seconds a process has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime (fields 14, 15)
  } catch {
    return NaN;
  }
}

function load(port: number, pid: number, connections: number, script: string): Run {
  const cpuBefore = cpuSeconds(pid);
  const run = runWrk(port, connections, SECONDS, script);
  return { ...run, cpuUs: ((cpuSeconds(pid) - cpuBefore) * 1e6) / run.requests };
}

const pad = (text: string | number, width: number): string => String(text).padStart(width);

async function main(): Promise<void> {
  if (!HAS_WRK) {
    console.log('wrk is not installed (apt-get install wrk); skipping the server bench.');
    return;
  }
  const bodies = (process.env.BENCH_BODIES ?? [...BODIES.keys()].join(',')).split(',').filter((b) => BODIES.has(b));
  const servers = await Promise.all(TARGETS.map(start));
  const width = Math.max(...TARGETS.map((t) => t.name.length));
  const summary: Array<[string, number, ...number[]]> = [];
  try {
    console.log(
      `POST /: ${ROUNDS} alternating ${SECONDS}s wrk runs per server and body (median), 127.0.0.1, ` +
        (PINNED ? 'servers on core 0, wrk on core 1 (taskset)' : 'one core: not pinned') +
        `; load average at start ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
    );
    console.log('Targets: stub >= 0.6x bare; every model >= 0.8x stub. "cpu" is the server CPU per answered request; its ratio is');
    console.log('(stub cpu / model cpu): the same target seen as cost, steadier than req/s on a shared machine.');
    for (const bodyName of bodies) {
      const script = BODIES.get(bodyName)!();
      for (const connections of CONNECTIONS) {
        // Warm-up (not counted): the JIT, the caches and the connection pools of every server.
        servers.forEach(({ port, child }) => load(port, child.pid!, connections, script));
        const runs: Run[][] = TARGETS.map(() => []);
        for (let round = 0; round < ROUNDS; round++) {
          servers.forEach(({ port, child }, i) => runs[i].push(load(port, child.pid!, connections, script)));
        }
        const rps = runs.map((r) => medianBy(r, (run) => run.rps));
        const cpu = runs.map((r) => medianOf(r.map((run) => run.cpuUs)));
        console.log('');
        console.log(`body ${bodyName}, ${connections} connections: ${BODY_NOTES.get(bodyName)}`);
        console.log(`${'server'.padEnd(width)} |   req/s | vs bare | vs stub | p50 ms | p99 ms | cpu us/req | cpu vs stub`);
        TARGETS.forEach((t, i) => {
          const vsStub = i < 1 ? '' : (rps[i].rps / rps[1].rps).toFixed(2);
          const cpuVsStub = i < 1 ? '' : (cpu[1] / cpu[i]).toFixed(2);
          console.log(
            `${t.name.padEnd(width)} | ${pad(rps[i].rps.toFixed(0), 7)} | ${pad((rps[i].rps / rps[0].rps).toFixed(2), 7)} | ${pad(vsStub, 7)} | ` +
              `${pad(rps[i].p50.toFixed(2), 6)} | ${pad(rps[i].p99.toFixed(2), 6)} | ${pad(cpu[i].toFixed(1), 10)} | ${pad(cpuVsStub, 11)}`,
          );
        });
        console.log(`(stub cpu vs bare: ${(cpu[0] / cpu[1]).toFixed(2)}; the stub answers 401 for ~5/11 requests by design)`);
        summary.push([`${bodyName}, c${connections}`, cpu[0] / cpu[1], ...cpu.slice(2).map((c) => cpu[1] / c)]);
      }
    }
    console.log('');
    console.log('Summary, CPU per request (target: stub/bare >= 0.60, model/stub >= 0.80; * = met, judged before rounding):');
    console.log(`| body | stub / bare | ${TARGETS.slice(2).map((t) => t.name).join(' | ')} |`);
    for (const [label, stubRatio, ...models] of summary) {
      const mark = (ratio: number, target: number) => `${ratio.toFixed(2)}${ratio >= target ? ' *' : ''}`;
      console.log(`| ${label} | ${mark(stubRatio, 0.6)} | ${models.map((r) => mark(r, 0.8)).join(' | ')} |`);
    }
  } finally {
    for (const { child } of servers) child.kill();
  }
}

void main();
