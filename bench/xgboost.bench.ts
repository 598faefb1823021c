/**
 * XGBoost evaluated in TypeScript, side by side with XGBoost itself, on the committed 100-tree
 * binary:logistic model over 58 columns (test/fixtures/xgboost/1.7/waf58.ubj and .joblib, XGBoost
 * 1.7.4): load time, one-row latency of predict_proba (through `runMethod`, and through the xgboost
 * adapter's `score`), batch rows/s. XGBoost's numbers come from `/usr/bin/python3
 * bench/xgboost_timing.py` (XGBClassifier.predict_proba, and Booster.inplace_predict for one row)
 * when that Python has xgboost; otherwise its column says why. Both sides run pinned to one CPU
 * (`taskset`, BENCH_CPU, default 0) when available. CPU-time medians; compare ratios.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XGBoostAdapter } from '../adapters/xgboost/xgboost-adapter';
import type { AdapterContext } from '../src/adapter/model-adapter';
import { validateManifest } from '../src/adapter/manifest';
import { silentLogger } from '../src/logger';
import { loadModelFile } from '../src/pickle';
import { buildEstimator, runMethod } from '../src/sklearn/build-estimator';
import { denseMatrix, fromRows } from '../src/sklearn/matrix';
import { loadXGBoostModelFile } from '../src/xgboost';
import { timePerCall } from './support/stats';

const ROOT = path.join(__dirname, '..', '..');
const DIR = path.join(ROOT, 'test', 'fixtures', 'xgboost', '1.7');
const UBJ = path.join(DIR, 'waf58.ubj');
const JOBLIB = path.join(DIR, 'waf58.joblib');
const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 10_000);
const PYTHON = '/usr/bin/python3';

/**
 * Pins this process (all its threads) to one CPU with `taskset`, so both columns run on the same
 * core: the Python child inherits the affinity. Best effort; says what it did.
 */
function pinToOneCpu(): string {
  const cpu = process.env.BENCH_CPU ?? '0';
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpu, String(process.pid)], { encoding: 'utf8' });
  return result.status === 0 ? `both sides pinned to CPU ${cpu} (taskset)` : 'not pinned (taskset unavailable)';
}



interface PythonTimings {
  python: string;
  numpy: string;
  xgboost: string;
  loadMs: number;
  singleUs: number;
  inplaceUs: number;
  batchRowsPerS: number;
}

function measurePython(rows: Array<Array<number | null>>): PythonTimings | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const result = spawnSync(PYTHON, [path.join(ROOT, 'bench', 'xgboost_timing.py'), JSON.stringify({ rows, file: JOBLIB, batchRows: BATCH_ROWS })], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) return `python failed: ${(result.stderr || result.error?.message || '').trim().split('\n').pop()}`;
  return JSON.parse(result.stdout) as PythonTimings;
}

function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined) return '-';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(digits);
}

function main(): void {
  const cases = JSON.parse(readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as { waf58: { rows: Array<Array<number | null>> } };
  const rows = cases.waf58.rows;
  const pinned = pinToOneCpu();
  const python = measurePython(rows);
  const py = typeof python === 'string' ? undefined : python;

  const loadUbj = timePerCall(() => loadXGBoostModelFile(UBJ), 1, 9);
  const loadJoblib = timePerCall(() => buildEstimator(loadModelFile(JOBLIB)), 1, 9);
  const model = loadXGBoostModelFile(UBJ);
  const singles = rows.map((row) => fromRows([row]));
  let next = 0;
  const oneRow = () => runMethod(model, 'predict_proba', singles[next++ % singles.length]);
  for (let i = 0; i < 20_000; i++) oneRow(); // JIT warm-up
  const singleUs = timePerCall(oneRow, 20_000) * 1e6;

  const adapter = new XGBoostAdapter();
  const manifest = validateManifest({ adapter: 'xgboost', model: 'waf58.ubj', threshold: 0.5, anomalyWhen: 'above' }, 'bench');
  const numeric = rows.map((row) => row.map((v) => v ?? NaN));
  adapter.load({ manifest, modelPath: UBJ, modelsDir: DIR, logger: silentLogger, extractor: { name: 'bench', featureNames: numeric[0].map(String), extract: () => numeric[0] } } as unknown as AdapterContext);
  const batches = numeric.map((row) => [row]);
  const score = () => adapter.score(batches[next++ % batches.length]);
  for (let i = 0; i < 20_000; i++) score();
  const adapterUs = timePerCall(score, 20_000) * 1e6;

  const width = numeric[0].length;
  const data = new Float64Array(BATCH_ROWS * width);
  for (let r = 0; r < BATCH_ROWS; r++) data.set(numeric[r % numeric.length], r * width);
  const batch = denseMatrix(BATCH_ROWS, width, data);
  runMethod(model, 'predict_proba', batch);
  const batchRowsPerS = BATCH_ROWS / timePerCall(() => runMethod(model, 'predict_proba', batch), 1, 5);

  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(1)}x`);
  console.log(
    `Node ${process.version}; XGBoost side: ${py ? `Python ${py.python}, numpy ${py.numpy}, xgboost ${py.xgboost}` : `skipped (${String(python)})`}; ` +
      `XGBClassifier(100 trees, depth 4), batch = ${BATCH_ROWS} rows of ${width} features; ${pinned}`,
  );
  console.log('| metric | TypeScript | XGBoost | speed-up |');
  console.log('|---|---:|---:|---:|');
  console.log(`| load .ubj / joblib (ms) | ${fmt(loadUbj * 1e3)} / ${fmt(loadJoblib * 1e3)} | ${fmt(py?.loadMs)} (joblib) | ${ratio(py?.loadMs, loadJoblib * 1e3)} |`);
  console.log(`| one row, predict_proba (µs) | ${fmt(singleUs, 2)} | ${fmt(py?.singleUs)} | ${ratio(py?.singleUs, singleUs)} |`);
  console.log(`| one row, adapter.score vs Booster.inplace_predict (µs) | ${fmt(adapterUs, 2)} | ${fmt(py?.inplaceUs)} | ${ratio(py?.inplaceUs, adapterUs)} |`);
  console.log(`| batch predict_proba (rows/s) | ${fmt(batchRowsPerS)} | ${fmt(py?.batchRowsPerS)} | ${ratio(batchRowsPerS, py?.batchRowsPerS)} |`);
}

main();
