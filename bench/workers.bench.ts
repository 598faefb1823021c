/**
 * `--workers`: the same server with 1 and with 2 worker processes, side by side in one run
 * (alternating rounds, medians), at 16 and 64 connections, on the random stub and on the bundled
 * RandomForest (waf-v1 features: real scoring work per request). The ratio is the scaling; on a
 * 2-core machine the load generator (autocannon, in this process) takes one core's share, so 2
 * workers cannot reach 2x here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const ROOT = path.join(__dirname, '..', '..');
const BODY = 'method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = [16, 64];

function stubModels(): string {
  const models = mkdtempSync(path.join(tmpdir(), 'crs-ml-bench-workers-'));
  writeFileSync(path.join(models, 'manifest.json'), JSON.stringify({ adapter: 'random', threshold: -0.313, options: { seed: 1 } }));
  return models;
}

/** Starts `serve --workers N` on a free port; resolves with the child and its port. */
function start(models: string, workers: number): Promise<{ child: ChildProcess; port: number }> {
  const main = path.join(ROOT, '.bench', 'src', 'cli', 'main.js');
  const args = ['serve', '--models', models, '--port', '0', '--workers', String(workers), '--log-level', 'info'];
  const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(main)}).main(${JSON.stringify(args)})`], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const match = /serving .* on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (match !== null) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
}

async function load(port: number, connections: number) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, method: 'POST', body: BODY, connections, duration: SECONDS });
  // 401 is a verdict (the stub flags ~5/11 requests); only 5xx and socket errors are errors.
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result['5xx'] };
}

const median = <T extends { rps: number }>(runs: T[]): T => [...runs].sort((x, y) => x.rps - y.rps)[Math.floor(runs.length / 2)];

async function main(): Promise<void> {
  const models: Array<[string, string]> = [
    ['random stub', stubModels()],
    ['rf-waf-v1 (RandomForest)', path.join(ROOT, 'saved_models', 'rf-waf-v1')],
  ];
  console.log(`POST / at c16/c64, 1 vs 2 workers, ${ROUNDS} alternating ${SECONDS}s runs (median), autocannon in-process, 127.0.0.1`);
  console.log('model                     | conns | 1 worker req/s | 2 workers req/s | ratio | p99 ms 1w/2w | errors');
  for (const [name, dir] of models) {
    const one = await start(dir, 1);
    const two = await start(dir, 2);
    try {
      for (const connections of CONNECTIONS) {
        const ones = [];
        const twos = [];
        for (let round = 0; round < ROUNDS; round++) {
          ones.push(await load(one.port, connections));
          twos.push(await load(two.port, connections));
        }
        const a = median(ones);
        const b = median(twos);
        console.log(
          `${name.padEnd(25)} | ${String(connections).padStart(5)} | ${a.rps.toFixed(0).padStart(14)} | ${b.rps.toFixed(0).padStart(15)} | ` +
            `${(b.rps / a.rps).toFixed(2).padStart(5)} | ${`${a.p99}/${b.p99}`.padStart(12)} | ${a.errors + b.errors}`,
        );
      }
    } finally {
      one.child.kill('SIGTERM');
      two.child.kill('SIGTERM');
    }
  }
  console.log('Scoring shares nothing between workers: on a machine with spare cores the ratio approaches the worker count until the NIC or the client saturates.');
}

void main();
