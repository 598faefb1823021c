/**
 * scikit-learn models evaluated in TypeScript, side by side with sklearn itself (issue 4's target:
 * one row through the 100-tree IsolationForest in <= 20 µs). For the committed waf-v1 models
 * (IsolationForest(100) and RandomForestClassifier(100), test/fixtures/sklearn/trees/waf/):
 * load time, one-row latency (through `runMethod` and through the adapter's `score`), batch rows/s.
 * sklearn's numbers come from `/usr/bin/python3 bench/sklearn_timing.py` when that Python has
 * sklearn; otherwise its column says so. CPU-time medians of several rounds; compare ratios across machines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SklearnAdapter } from '../adapters/sklearn/sklearn-adapter';
import type { AdapterContext } from '../src/adapter/model-adapter';
import { validateManifest } from '../src/adapter/manifest';
import { silentLogger } from '../src/logger';
import { loadModelFile } from '../src/pickle';
import type { Estimator } from '../src/sklearn/base';
import { buildEstimator, runMethod } from '../src/sklearn/build-estimator';
import { denseMatrix, fromRows } from '../src/sklearn/matrix';
import { timePerCall } from './support/stats';

const ROOT = path.join(__dirname, '..', '..');
const WAF = path.join(ROOT, 'test', 'fixtures', 'sklearn', 'trees', 'waf');
const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 10_000);
const PYTHON = '/usr/bin/python3';

const MODELS = [
  { name: 'IsolationForest(100)', file: path.join(WAF, 'iforest-waf-v1.joblib'), method: 'decision_function', output: 'decision_function' },
  { name: 'RandomForestClassifier(100)', file: path.join(WAF, 'rfc-waf-v1.joblib'), method: 'predict_proba', output: "predict_proba[:,'attack']" },
];

interface Timings {
  loadMs: number;
  singleUs: number;
  adapterUs?: number;
  batchRowsPerS: number;
}



function measureTypeScript(model: (typeof MODELS)[number], rows: number[][]): Timings {
  const loadS = timePerCall(() => buildEstimator(loadModelFile(model.file)), 1, 5);
  const estimator: Estimator = buildEstimator(loadModelFile(model.file));
  // One-row calls cycle through the 60 sample rows: one row repeated would keep every branch
  // predicted and flatter the walk.
  const singles = rows.map((row) => fromRows([row]));
  let next = 0;
  const oneRow = () => runMethod(estimator, model.method, singles[next++ % singles.length]);
  for (let i = 0; i < 20_000; i++) oneRow(); // JIT warm-up
  const singleS = timePerCall(oneRow, 20_000);

  const adapter = new SklearnAdapter();
  const manifest = validateManifest({ adapter: 'sklearn', model: path.basename(model.file), output: model.output, threshold: 0 }, 'bench');
  adapter.load({ manifest, modelPath: model.file, modelsDir: WAF, logger: silentLogger, extractor: { name: 'bench', featureNames: rows[0].map(String), extract: () => rows[0] } } as AdapterContext);
  const batches = rows.map((row) => [row]);
  const score = () => adapter.score(batches[next++ % batches.length]);
  for (let i = 0; i < 20_000; i++) score();
  const adapterS = timePerCall(score, 20_000);

  const width = rows[0].length;
  const data = new Float64Array(BATCH_ROWS * width);
  for (let r = 0; r < BATCH_ROWS; r++) data.set(rows[r % rows.length], r * width);
  const batch = denseMatrix(BATCH_ROWS, width, data);
  runMethod(estimator, model.method, batch);
  const batchS = timePerCall(() => runMethod(estimator, model.method, batch), 1, 5);
  return { loadMs: loadS * 1e3, singleUs: singleS * 1e6, adapterUs: adapterS * 1e6, batchRowsPerS: BATCH_ROWS / batchS };
}

function measurePython(rows: number[][]): { versions: string; models: Record<string, Timings> } | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const spec = JSON.stringify({ rows, batchRows: BATCH_ROWS, models: MODELS.map(({ name, file, method }) => ({ name, file, method })) });
  const result = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'sklearn_timing.py'), spec], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) return `python failed: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`;
  const parsed = JSON.parse(result.stdout) as { python: string; numpy: string; sklearn: string; models: Record<string, Timings> };
  return { versions: `Python ${parsed.python}, numpy ${parsed.numpy}, sklearn ${parsed.sklearn}`, models: parsed.models };
}

function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined) return '-';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

function main(): void {
  const cases = JSON.parse(readFileSync(path.join(WAF, '..', 'waf.json'), 'utf8')) as Array<{ name: string; input: number[][] }>;
  const rows = cases[0].input;
  const python = measurePython(rows);
  console.log(`Node ${process.version}; sklearn side: ${typeof python === 'string' ? python : python.versions}; batch = ${BATCH_ROWS} rows of ${rows[0].length} waf-v1 features`);
  console.log('| model | metric | TypeScript | sklearn | speed-up |');
  console.log('|---|---|---:|---:|---:|');
  for (const model of MODELS) {
    const ts = measureTypeScript(model, rows);
    const py = typeof python === 'string' ? undefined : python.models[model.name];
    const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(1)}x`);
    console.log(`| ${model.name} | load (ms) | ${fmt(ts.loadMs)} | ${fmt(py?.loadMs)} | ${ratio(py?.loadMs, ts.loadMs)} |`);
    console.log(`| ${model.name} | one row, ${model.method} (µs) | ${fmt(ts.singleUs, 2)} | ${fmt(py?.singleUs)} | ${ratio(py?.singleUs, ts.singleUs)} |`);
    console.log(`| ${model.name} | one row, adapter.score (µs) | ${fmt(ts.adapterUs, 2)} | - | - |`);
    console.log(`| ${model.name} | batch (rows/s) | ${fmt(ts.batchRowsPerS)} | ${fmt(py?.batchRowsPerS)} | ${ratio(ts.batchRowsPerS, py?.batchRowsPerS)} |`);
  }
  const target = 20;
  console.log(`Target: one row through IsolationForest(100) <= ${target} µs.`);
}

main();
