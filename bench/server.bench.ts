/**
 * POST / under load, side by side in one run: a bare Node `http` server answering the same body,
 * our server on the random stub, and our server on the bundled RandomForest (saved_models/rf-waf-v1).
 * Targets (issue 13): stub >= 0.6x bare, rf-waf-v1 >= 0.8x stub.
 *
 * Load comes from wrk (https://github.com/wg/wrk), 127.0.0.1 only, ports chosen by the OS. Servers
 * are pinned to core 0 and wrk to core 1 with `taskset` when the machine has two cores or more, so
 * load generation does not steal the server's CPU. The three servers alternate, round after round,
 * and medians are reported: a burst of load from elsewhere on a shared machine then lands on every
 * side rather than one. Without wrk on PATH the bench says so and stops.
 *
 * BENCH_SECONDS (default 3), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default "1,16").
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { medianBy, medianOf } from './support/stats';
import { HAS_WRK, PINNED, pinned, runWrk, wrkPostScript, type WrkRun } from './support/wrk';

const ROOT = path.join(__dirname, '..', '..');
const LEGACY_BODY =
  'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16').split(',').map(Number);

const BARE_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => { Buffer.concat(chunks); res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('score=1'); });
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

const TARGETS: readonly Target[] = [
  { name: 'bare', script: BARE_SERVER },
  { name: 'stub', script: ourServerScript(stubModels()) },
  { name: 'rf-waf-v1', script: ourServerScript(path.join(ROOT, 'saved_models', 'rf-waf-v1')) },
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

const WRK_SCRIPT = wrkPostScript(LEGACY_BODY);

function load(port: number, pid: number, connections: number): Run {
  const cpuBefore = cpuSeconds(pid);
  const run = runWrk(port, connections, SECONDS, WRK_SCRIPT);
  return { ...run, cpuUs: ((cpuSeconds(pid) - cpuBefore) * 1e6) / run.requests };
}

async function main(): Promise<void> {
  if (!HAS_WRK) {
    console.log('wrk is not installed (apt-get install wrk); skipping the server bench.');
    return;
  }
  const servers = await Promise.all(TARGETS.map(start));
  try {
    console.log(
      `POST / with the captured legacy body: ${ROUNDS} alternating ${SECONDS}s wrk runs per server (median), 127.0.0.1, ` +
        (PINNED ? 'servers on core 0, wrk on core 1 (taskset)' : 'one core: not pinned'),
    );
    console.log('conns | bare req/s | stub req/s | rf-waf-v1 req/s | stub/bare | rf/stub | p50 ms bare/stub/rf | p99 ms bare/stub/rf');
    const cpuTable: Array<[number, number[]]> = [];
    for (const connections of CONNECTIONS) {
      const runs: Run[][] = TARGETS.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        servers.forEach(({ port, child }, i) => runs[i].push(load(port, child.pid!, connections)));
      }
      const [bare, stub, rf] = runs.map((r) => medianBy(r, (run) => run.rps));
      cpuTable.push([connections, runs.map((r) => medianOf(r.map((run) => run.cpuUs)))]);
      const ms = (pick: (r: Run) => number) => [bare, stub, rf].map((r) => pick(r).toFixed(2)).join('/');
      console.log(
        `${String(connections).padStart(5)} | ${bare.rps.toFixed(0).padStart(10)} | ${stub.rps.toFixed(0).padStart(10)} | ` +
          `${rf.rps.toFixed(0).padStart(15)} | ${(stub.rps / bare.rps).toFixed(2).padStart(9)} | ${(rf.rps / stub.rps).toFixed(2).padStart(7)} | ` +
          `${ms((r) => r.p50).padStart(19)} | ${ms((r) => r.p99)}`,
      );
    }
    console.log('(targets: stub/bare >= 0.6, rf/stub >= 0.8; the stub answers 401 for ~5/11 requests by design)');
    console.log('');
    console.log('Server CPU per answered request (median over all runs), the same ratios seen as cost: on a busy');
    console.log('shared machine req/s swing with what else runs, CPU time per request much less.');
    console.log('conns | bare us | stub us | rf-waf-v1 us | bare/stub | stub/rf');
    for (const [c, [bare, stub, rf]] of cpuTable) {
      console.log(`${String(c).padStart(5)} | ${bare.toFixed(1).padStart(7)} | ${stub.toFixed(1).padStart(7)} | ${rf.toFixed(1).padStart(12)} | ${(bare / stub).toFixed(2).padStart(9)} | ${(stub / rf).toFixed(2).padStart(7)}`);
    }
  } finally {
    for (const { child } of servers) child.kill();
  }
}

void main();
