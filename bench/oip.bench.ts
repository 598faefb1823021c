/**
 * The OIP chain (issue 14): the Lua client's POST / answered by one process, against the same
 * model behind a WAF-side crs-ml-server whose `oip` adapter forwards each request to a model
 * server over OIP v2 — without and with micro-batching. Same body, same model (the example
 * IsolationForest), rounds alternating, medians. Servers on core 0, wrk on core 1 (taskset) when
 * both exist; the chain's two servers share core 0, as two processes on one box would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const MODEL_DIR = path.join(ROOT, 'examples', 'sklearn-iforest', 'saved_models');
const BODY = 'method=GET&path=/index.html&args={"ARGS:page":"2","ARGS:q":"blue running shoes"}&files={}&sizes={}&hour=07&day=29';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = [1, 16];
const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const HAS_WRK = spawnSync('wrk', ['--version']).error === undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** `crs-ml-server serve` from the bench build, on core 0; resolves once it listens. */
async function serve(modelsDir: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const main = path.join(ROOT, '.bench', 'src', 'cli', 'main.js');
  const script = `require(${JSON.stringify(main)}).main(['serve','--models',${JSON.stringify(modelsDir)},'--port','${port}','--log-level','warn']).then(() => process.stdout.write('ready\\n'))`;
  const [command, args] = pinned(0, process.execPath, ['-e', script]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`server for ${modelsDir} exited with ${code}`)));
  });
  return { port, child };
}

function forwarder(remotePort: number, batch: { maxSize: number; maxWaitMs: number }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-ml-bench-oip-'));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ adapter: 'oip', threshold: -0.090545, anomalyWhen: 'below', options: { url: `http://127.0.0.1:${remotePort}`, model: 'iforest-waf-v1', timeoutMs: 2000, batch } }),
  );
  return dir;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** wrk on core 1 with a POST script; p50/p99 from --latency, in ms. */
function wrk(port: number, connections: number): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'crs-ml-bench-wrk-'));
  const script = path.join(dir, 'post.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`);
  const [command, args] = pinned(1, 'wrk', ['-t1', `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script, `http://127.0.0.1:${port}/`]);
  const out = spawnSync(command, args, { encoding: 'utf8' }).stdout;
  const ms = (label: string) => {
    const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (m === null) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 1e-3 : m[2] === 's' ? 1e3 : 1);
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = socketErrors === null ? 0 : socketErrors.slice(1).reduce((n, v) => n + Number(v), 0);
  // The example forest flags some requests (401): count only what is neither 200 nor 401 as an error.
  void non2xx;
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN), p50: ms('50%'), p99: ms('99%'), errors };
}

const median = (runs: Run[]): Run => [...runs].sort((x, y) => x.rps - y.rps)[Math.floor(runs.length / 2)];

async function main(): Promise<void> {
  if (!HAS_WRK) {
    console.log('skipped: wrk is not installed (apt-get install wrk)');
    return;
  }
  const single = await serve(MODEL_DIR);
  const chained = await serve(forwarder(single.port, { maxSize: 1, maxWaitMs: 0 }));
  const batched = await serve(forwarder(single.port, { maxSize: 32, maxWaitMs: 1 }));
  const setups = [
    ['one process', single.port],
    ['chain, no batching', chained.port],
    ['chain, micro-batch 32/1ms', batched.port],
  ] as const;
  try {
    console.log(`POST / (Lua contract) -> example IsolationForest; ${ROUNDS} alternating ${SECONDS}s wrk runs (median); ${HAS_TASKSET ? 'servers on core 0, wrk on core 1' : 'no taskset: unpinned'}`);
    console.log('conns | setup                      |  req/s | vs one | p50 ms | p99 ms | errors');
    for (const connections of CONNECTIONS) {
      const runs = new Map<string, Run[]>(setups.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) for (const [name, port] of setups) runs.get(name)!.push(wrk(port, connections));
      const base = median(runs.get('one process')!).rps;
      for (const [name] of setups) {
        const r = median(runs.get(name)!);
        console.log(
          `${String(connections).padStart(5)} | ${name.padEnd(26)} | ${r.rps.toFixed(0).padStart(6)} | ${(r.rps / base).toFixed(2).padStart(6)} | ${r.p50.toFixed(2).padStart(6)} | ${r.p99.toFixed(2).padStart(6)} | ${r.errors}`,
        );
      }
    }
  } finally {
    for (const { child } of [single, chained, batched]) child.kill();
  }
}

void main();
