/**
 * The 16 MiB stall of issue 12: while one client sends 16 MiB invalid-UTF-8 bodies (each under the
 * default --max-body-bytes), another client keeps POSTing the captured small body every 10 ms. Target:
 * the small client's answers all within 50 ms. Our server runs on core 0 (taskset, when the machine
 * has two cores; run the bench itself with `taskset -c 1` to keep the clients on the other); the
 * small client in this process, the big one in a child process at nice 19 (so building and sending
 * 16 MiB does not delay the small client's own timers); 127.0.0.1 and an OS-chosen port only.
 * Besides the small client's latencies, the server reports its own event-loop delay, longest GC
 * pause and CPU time per big body: the loop delay is what the server does to everyone else, the
 * small client's latency also holds this machine's scheduling noise.
 * Before the fix, one such body held the event loop for 3-13 s and took RSS to ~1 GB. The same rows
 * then run against a bare Node `http` server pinned the same way: the machine's floor.
 *
 * Then the same for OIP: one batch of 4,096 rows (the most `/v2/models/{name}/infer` takes) against
 * bundled models, `request` and `features` rows, while the small client POSTs to `/` of the same
 * server: a batch is scored in slices with the event loop free between them (docs/oip.md).
 *
 * BENCH_STALL_BODIES (default 6): how many big bodies are sent, one after the other.
 */
import { spawn } from 'node:child_process';
import { request, Agent } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { WAF_V1_FEATURE_NAMES } from '../src/features/waf-v1';

const ROOT = path.join(__dirname, '..', '..');
const MiB = 1 << 20;
const SMALL = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';
const BODIES = Number(process.env.BENCH_STALL_BODIES ?? 6);
const PINNED = cpus().length >= 2;

const legacy = (value: Buffer) =>
  Buffer.concat([Buffer.from('method=POST&path=/p&args={"ARGS:q":"'), value, Buffer.from('"}&files={}&sizes={}&hour=07&day=29')]);
/** One big call: a name for its row, its body and where it goes. */
interface BigCall {
  readonly name: string;
  readonly body: Buffer;
  readonly urlPath: string;
}

/** The shapes of big body that used to stall, 16 MiB - 1 KiB each. */
const BIG: readonly BigCall[] = [
  { name: '0xFF bytes, no frame', body: Buffer.alloc(16 * MiB - 1024, 0xff), urlPath: '/' },
  { name: 'legacy, one 0xFF value', body: legacy(Buffer.alloc(16 * MiB - 1024, 0xff)), urlPath: '/' },
  { name: 'url-encoded, one %FF value', body: Buffer.from(`method=POST&path=/p&args=%7B%22ARGS%3Aq%22%3A%22${'%FF'.repeat((16 * MiB - 1024) / 3)}%22%7D&hour=07&day=29`), urlPath: '/' },
];

/** OIP batches of the largest size the server takes (4,096 rows), and the bundled model each goes to. */
const OIP_ROWS = 4096;
const WAF_V1_WIDTH = WAF_V1_FEATURE_NAMES.length;
const oipRequestLine = (i: number) =>
  JSON.stringify({ v: 2, method: 'GET', path: '/shop/search.php', args: { 'ARGS:q': `blue shoes ${i} ${'x'.repeat(i % 50)}`, 'ARGS:page': String(i % 7) }, files: {}, sizes: {}, hour: i % 24, day: 1 + (i % 28) });
const oipBody = (input: object) => Buffer.from(JSON.stringify({ inputs: [input] }));
const OIP_BATCHES: ReadonlyArray<{ model: string; call: BigCall }> = [
  ['rf-waf-v1', 'request'],
  ['payload-v1', 'request'],
  ['rf-waf-v1', 'features'],
].map(([model, input]) => {
  const urlPath = `/v2/models/${model}/infer`;
  const body =
    input === 'request'
      ? oipBody({ name: 'request', datatype: 'BYTES', shape: [OIP_ROWS], data: Array.from({ length: OIP_ROWS }, (_, i) => oipRequestLine(i)) })
      : // Full-precision doubles, as numpy's tolist() gives them: ~4 MiB of JSON.
        oipBody({ name: 'features', datatype: 'FP64', shape: [OIP_ROWS, WAF_V1_WIDTH], data: Array.from({ length: OIP_ROWS * WAF_V1_WIDTH }, (_, i) => Math.abs(Math.sin(i)) * 40) });
  return { model, call: { name: `${model}, ${OIP_ROWS} ${input} rows`, body, urlPath } };
});

interface Server {
  readonly port: number;
  readonly stop: () => void;
  /**
   * Since the last call, in ms: the server's longest event-loop delay and main-thread GC pause, and
   * the CPU time of its main thread and of the whole process (10 ms ticks).
   */
  readonly loop: () => Promise<{ delay: number; gc: number; main: number; all: number }>;
}

/**
 * Measured inside the server: its event loop's longest delay and its main thread's longest GC
 * pause, reported (and reset) for each line on stdin. These tell the server's own blocking apart
 * from this machine's scheduling noise, which the small client's latencies also contain.
 */
const LOOP_PROBE =
  `const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks');` +
  `const loop = monitorEventLoopDelay({ resolution: 1 }); loop.enable(); let gc = 0;` +
  `new PerformanceObserver((list) => { for (const e of list.getEntries()) gc = Math.max(gc, e.duration); }).observe({ entryTypes: ['gc'] });` +
  `const ticks = (file) => { const f = require('node:fs').readFileSync(file, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };` +
  `let main0 = ticks('/proc/self/task/' + process.pid + '/stat'), all0 = ticks('/proc/self/stat');` +
  `process.stdin.on('data', () => { const main = ticks('/proc/self/task/' + process.pid + '/stat'), all = ticks('/proc/self/stat');` +
  ` process.stdout.write('loop=' + loop.max / 1e6 + ' gc=' + gc + ' main=' + (main - main0) + ' all=' + (all - all0) + '\\n'); loop.reset(); gc = 0; main0 = main; all0 = all; });`;

/** A models folder holding the random stub. */
function stubModels(): string {
  const models = mkdtempSync(path.join(tmpdir(), 'crs-ml-bench-'));
  writeFileSync(path.join(models, 'manifest.json'), JSON.stringify({ adapter: 'random', threshold: -0.313, options: { seed: 1 } }));
  return models;
}

/** Our `serve` on the models in `models`. */
function ourServer(models: string): string {
  const serve = path.join(ROOT, '.bench', 'src', 'cli', 'commands', 'serve.js');
  return (
    `require('reflect-metadata');` +
    `require(${JSON.stringify(serve)}).serve({ models: ${JSON.stringify(models)}, host: '127.0.0.1', port: 0, logLevel: 'warn', maxBodyBytes: 16777216 })` +
    `.then(({ server }) => process.stdout.write('port=' + server.address().port + '\\n'));`
  );
}

/**
 * The control: a bare Node `http` server that counts a body's bytes and answers, pinned the same
 * way. What the other client waits for beside it is the machine's own cost of receiving 16 MiB on
 * that core (the kernel's loopback TCP work, scheduling), which no server can go below.
 */
const BARE_SERVER =
  `const server = require('node:http').createServer((req, res) => { let n = 0; req.on('data', (c) => (n += c.length));` +
  ` req.on('end', () => { res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '7' }); res.end('score=1'); }); })` +
  `.listen(0, '127.0.0.1', () => process.stdout.write('port=' + server.address().port + '\\n'));`;

function startServer(serverScript: string): Promise<Server> {
  const script = serverScript + LOOP_PROBE;
  const args = ['-e', script];
  const child = PINNED
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const reports: Array<(line: string) => void> = [];
  const loop = () =>
    new Promise<{ delay: number; gc: number; main: number; all: number }>((resolve) => {
      reports.push((line) => {
        const [, delay, gc, main, all] = /loop=([\d.e+-]+) gc=([\d.e+-]+) main=(\d+) all=(\d+)/.exec(line)!;
        resolve({ delay: Number(delay), gc: Number(gc), main: Number(main), all: Number(all) });
      });
      child.stdin!.write('\n');
    });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        const match = /port=(\d+)/.exec(line);
        if (match) resolve({ port: Number(match[1]), stop: () => child.kill(), loop });
        if (line.startsWith('loop=')) reports.shift()?.(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function post(port: number, body: Buffer, agent?: Agent): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Each big body written to a file once, before any measuring: writing 16 MiB synchronously inside
 * the measured window blocked this process's own event loop, and the small client's latency with it.
 */
const BIG_FILES: ReadonlyMap<Buffer, string> = new Map(
  [...BIG, ...OIP_BATCHES.map(({ call }) => call)].map(({ body }, i) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'crs-ml-stall-')), `body-${i}`);
    writeFileSync(file, body);
    return [body, file];
  }),
);

/** POSTs a big call's body (read from its file) from a child process, so this process's event loop only serves the small client. */
function postFromChild(port: number, { body, urlPath }: BigCall): Promise<{ status: number; ms: number }> {
  const file = BIG_FILES.get(body)!;
  const script =
    `const b = require('fs').readFileSync(${JSON.stringify(file)}); const t = performance.now();` +
    `const q = require('http').request({ host: '127.0.0.1', port: ${port}, method: 'POST', path: ${JSON.stringify(urlPath)}, headers: { 'content-length': b.length } }, (r) => {` +
    ` r.resume(); r.on('end', () => process.stdout.write(JSON.stringify({ status: r.statusCode, ms: performance.now() - t }))); });` +
    `q.end(b);`;
  // At nice 19: it shares the clients' core with the small client, whose latency is what is measured.
  const child = spawn('nice', ['-n', '19', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => child.once('exit', () => (out === '' ? reject(new Error('the big-body client failed')) : resolve(JSON.parse(out)))));
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

async function main(): Promise<void> {
  const bigBodies = Array.from({ length: BODIES }, (_, i) => BIG[i % BIG.length]);
  const bigTitle = `${BODIES} big bodies (16 MiB - 1 KiB) one after the other`;
  await measure(`crs-ml-server (random stub): ${bigTitle}`, ourServer(stubModels()), bigBodies);
  await measure(`control: a bare Node http server, pinned the same way, that only counts the bytes: ${bigTitle}`, BARE_SERVER, bigBodies);
  // OIP: a full batch is scored in slices (src/server/oip/score-in-slices.ts); before, 190-517 ms in one turn.
  for (const { model, call } of OIP_BATCHES) {
    await measure(`crs-ml-server (${model}): one OIP batch of ${OIP_ROWS} rows (${(call.body.length / MiB).toFixed(1)} MiB), twice`, ourServer(path.join(ROOT, 'saved_models', model)), [call, call]);
  }
}

async function measure(title: string, serverScript: string, calls: readonly BigCall[]): Promise<void> {
  const server = await startServer(serverScript);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const small = Buffer.from(SMALL);
  try {
    for (let i = 0; i < 50; i++) await post(server.port, small, agent); // warm-up
    console.log(`${title}, while another client POSTs the captured body every 10 ms`);
    console.log('big body | big answer | big ms | small answers | small p50 ms | small p99 ms | small max ms | server loop max ms | gc max ms | main thread cpu ms | process cpu ms');
    // Row -1 is a control: the small client alone for 400 ms (this machine's noise floor).
    for (let i = -1; i < calls.length; i++) {
      const call = i < 0 ? undefined : calls[i];
      const name = call?.name ?? '(control: no big body)';
      const latencies: number[] = [];
      await server.loop(); // reset
      let sending = true;
      const smallLoop = (async () => {
        while (sending) {
          latencies.push((await post(server.port, small, agent)).ms);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const big = call === undefined ? await new Promise<{ status: number; ms: number }>((resolve) => setTimeout(() => resolve({ status: 0, ms: 400 }), 400)) : await postFromChild(server.port, call);
      sending = false;
      await smallLoop;
      const loop = await server.loop();
      console.log(
        `${name.padEnd(34)} | ${String(big.status).padStart(10)} | ${big.ms.toFixed(0).padStart(6)} | ${String(latencies.length).padStart(13)} | ` +
          `${percentile(latencies, 50).toFixed(1).padStart(12)} | ${percentile(latencies, 99).toFixed(1).padStart(12)} | ${Math.max(...latencies).toFixed(1).padStart(12)} | ` +
          `${loop.delay.toFixed(1).padStart(18)} | ${loop.gc.toFixed(1).padStart(9)} | ${String(loop.main).padStart(18)} | ${String(loop.all).padStart(14)}`,
      );
    }
    console.log('(target: every small answer within 50 ms; a big body answers 400 or a score, an OIP batch 200)');
  } finally {
    agent.destroy();
    server.stop();
  }
}

void main();
