/**
 * The bundled payload model (saved_models/payload-v1: char_wb 1-5-gram TF-IDF + logistic regression,
 * scored item by item) next to the forest (saved_models/rf-waf-v1: 50-tree RandomForest over waf-v1
 * features) and the mode-1 stack (saved_models/crs-stack-v1): single-request scoring time through
 * LoadedModel.judge (extraction + scoring + decision), on the everyday requests of the test table,
 * and load time. CPU-time medians, measured side by side in one run; compare ratios across machines.
 *
 * Two columns: "everyday" cycles the 260 requests, so after the first round their header values and
 * cookies come from the text models' item cache (src/adapter/item-score-cache.ts), as a browser's do;
 * "all items new" appends a counter to every argument, header and cookie value, so every item is
 * scored (the fused TF-IDF path, src/sklearn/pipeline/fused-text-linear.ts) -- the worst case.
 */
import path from 'node:path';
import { loadModel, type LoadedModel } from '../src/adapter/load-model';
import { createContainer, TOKENS } from '../src/container';
import type { MlRequest } from '../src/contract/ml-request';
import { silentLogger } from '../src/logger';
import { EVERYDAY_ROWS, everydayRequest } from '../test/models/everyday-requests';
import { medianOf as median } from './support/stats';

const SAVED = path.join(__dirname, '..', '..', 'saved_models');
const MODELS = ['rf-waf-v1', 'payload-v1', 'crs-stack-v1'];


async function cpuSecondsPerCall(fn: () => Promise<unknown>, repeat: number, rounds = 7): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < repeat; i++) await fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1e6 / repeat);
  }
  return median(samples);
}

/** `request` with ` <n>` appended to every argument, header and cookie value: items no cache has seen. */
function allNew(request: MlRequest, n: number): MlRequest {
  const tag = (pairs: ReadonlyArray<readonly [string, string]> | undefined) => pairs?.map(([k, v]) => [k, `${v} ${n}`] as [string, string]);
  return { ...request, args: tag(request.args)!, headers: tag(request.headers), cookies: tag(request.cookies) };
}

async function load(name: string): Promise<LoadedModel> {
  const container = createContainer({ logger: silentLogger });
  return loadModel({ modelsDir: path.join(SAVED, name), adapters: container.resolve(TOKENS.AdapterRegistry), extractors: container.resolve(TOKENS.ExtractorRegistry), logger: silentLogger });
}

async function main(): Promise<void> {
  const requests: MlRequest[] = EVERYDAY_ROWS.map(everydayRequest).map((r) => ({ ...r, crs: [['inbound_anomaly_score_pl1', 5], ['sql_injection_score', 5]] }));
  const rows: string[][] = [];
  for (const name of MODELS) {
    const loadStart = process.cpuUsage();
    const model = await load(name);
    const loaded = process.cpuUsage(loadStart);
    let next = 0;
    const one = () => model.judge(requests[next++ % requests.length]);
    const fresh = () => model.judge(allNew(requests[next % requests.length], next++));
    for (let i = 0; i < 2000; i++) await one(); // JIT warm-up
    const perRequest = await cpuSecondsPerCall(one, 1000);
    const perNewRequest = await cpuSecondsPerCall(fresh, 300);
    rows.push([name, `${((loaded.user + loaded.system) / 1000).toFixed(0)} ms`, `${(perRequest * 1e6).toFixed(1)} µs`, `${(perNewRequest * 1e6).toFixed(1)} µs`]);
    await model.dispose();
  }
  const forest = Number.parseFloat(rows[0][2]);
  process.stdout.write(`one request through LoadedModel.judge (${requests.length} everyday requests with headers and cookies, cycled)\n`);
  process.stdout.write(`| model | load (CPU) | everyday, per request (CPU) | vs forest | all items new, per request (CPU) |\n|---|---|---|---|---|\n`);
  for (const [name, loadMs, us, newUs] of rows) process.stdout.write(`| ${name} | ${loadMs} | ${us} | ${(Number.parseFloat(us) / forest).toFixed(1)}x | ${newUs} |\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
