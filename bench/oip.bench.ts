/**
 * The OIP chain (issue 14): the Lua client's POST / answered by one process, against the same
 * model behind a WAF-side crs-ml-server whose `oip` adapter forwards each request to a model
 * server over OIP v2 — without and with micro-batching. Same body, same model (the example
 * IsolationForest), rounds alternating, medians. Servers on core 0, wrk on core 1 (taskset) when
 * both exist; the chain's two servers share core 0, as two processes on one box would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { medianBy } from './support/stats';
import { HAS_WRK, PINNED, pinned, runWrk, wrkPostScript, type WrkRun } from './support/wrk';

const ROOT = path.join(__dirname, '..', '..');
const MODEL_DIR = path.join(ROOT, 'examples', 'sklearn-iforest', 'saved_models');
const BODY = 'method=GET&path=/index.html&args={"ARGS:page":"2","ARGS:q":"blue running shoes"}&files={}&sizes={}&hour=07&day=29';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = [1, 16];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
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

async function main(): Promise<void> {
  if (!HAS_WRK) {
    console.log('skipped: wrk is not installed (apt-get install wrk)');
    return;
  }
  const single = await serve(MODEL_DIR);
  const chained = await serve(forwarder(single.port, { maxSize: 1, maxWaitMs: 0 }));
  const batched = await serve(forwarder(single.port, { maxSize: 32, maxWaitMs: 1 }));
  const script = wrkPostScript(BODY);
  const setups = [
    ['one process', single.port],
    ['chain, no batching', chained.port],
    ['chain, micro-batch 32/1ms', batched.port],
  ] as const;
  try {
    console.log(`POST / (Lua contract) -> example IsolationForest; ${ROUNDS} alternating ${SECONDS}s wrk runs (median); ${PINNED ? 'servers on core 0, wrk on core 1' : 'no taskset: unpinned'}`);
    console.log('conns | setup                      |  req/s | vs one | p50 ms | p99 ms | errors');
    for (const connections of CONNECTIONS) {
      const runs = new Map<string, WrkRun[]>(setups.map(([name]) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) for (const [name, port] of setups) runs.get(name)!.push(runWrk(port, connections, SECONDS, script));
      const base = medianBy(runs.get('one process')!, (r) => r.rps).rps;
      for (const [name] of setups) {
        const r = medianBy(runs.get(name)!, (run) => run.rps);
        console.log(
          `${String(connections).padStart(5)} | ${name.padEnd(26)} | ${r.rps.toFixed(0).padStart(6)} | ${(r.rps / base).toFixed(2).padStart(6)} | ${r.p50.toFixed(2).padStart(6)} | ${r.p99.toFixed(2).padStart(6)} | ${r.socketErrors}`,
        );
      }
    }
  } finally {
    for (const { child } of [single, chained, batched]) child.kill();
  }
}

void main();
