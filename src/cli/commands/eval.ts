import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError, describeError } from '../../errors';
import { loadModelFile } from '../../pickle';
import type { Label } from '../../sklearn/base';
import { buildEstimator, runMethod, type MethodOutput } from '../../sklearn/build-estimator';
import { fromRows, type EstimatorInput } from '../../sklearn/matrix';
import { isXGBoostModelFile, loadXGBoostModelFile } from '../../xgboost';

export interface EvalOptions {
  method: string;
  input: string;
  key?: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('evaluate a scikit-learn .pkl/.joblib on rows of JSON and print what Python would (docs/sklearn.md)')
    .argument('<model>', 'the .pkl or .joblib file (or an XGBoost .json/.ubj)')
    .requiredOption('--method <name>', 'decision_function | predict | predict_proba | score_samples | transform')
    .requiredOption('--input <rows.json>', 'JSON array of rows of numbers (null or "NaN" = missing, "Infinity"/"-Infinity"), or of strings for text pipelines; "-" reads stdin')
    .option('--key <key>', "the dict key (or tuple index) holding the estimator; '' means the file's object itself")
    .action((model: string, options: EvalOptions) => {
      process.stdout.write(`${evalCommand(model, options)}\n`);
    });
}

/**
 * Loads `modelPath`, runs `options.method` on the rows of `options.input`, and returns sklearn's
 * output as one line of JSON: 1-D or 2-D exactly as sklearn's shape, labels with their type, NaN and
 * infinities as null (JSON has no such numbers).
 *
 * @throws UsageError for an unreadable or malformed input file; the pickle/sklearn errors otherwise
 */
export function evalCommand(modelPath: string, options: EvalOptions): string {
  const input = readRows(options.input);
  const estimator = isXGBoostModelFile(modelPath) ? loadXGBoostModelFile(modelPath) : buildEstimator(loadModelFile(modelPath), { key: options.key });
  return outputToJson(runMethod(estimator, options.method, input));
}

function readRows(file: string): EstimatorInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteBareSpecials(readFileSync(file === '-' ? 0 : file, 'utf8')));
  } catch (cause) {
    throw new UsageError(`cannot read --input ${file} as JSON: ${describeError(cause)}`, { cause });
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new UsageError(`--input ${file} must hold a non-empty JSON array of rows, e.g. [[0.5, 1, null], [2, 0, 3]] or ["text", ...].`);
  }
  if (parsed.every((row) => typeof row === 'string')) return parsed as string[];
  const width = Array.isArray(parsed[0]) ? parsed[0].length : -1;
  const rows = parsed.map((row: unknown, r) => {
    const cells = Array.isArray(row) && row.length === width ? row.map(cellValue) : undefined;
    if (cells === undefined || cells.some((v) => v === undefined)) {
      throw new UsageError(
        `--input ${file}: row ${r} is not an array of ${width < 0 ? 'numbers' : `${width} numbers`} like row 0 ` +
          '(a missing value is null or "NaN"; infinities are "Infinity" and "-Infinity").',
      );
    }
    return cells as number[];
  });
  return fromRows(rows);
}

/**
 * JSON has no NaN or infinity: a missing value is written `null` or "NaN", infinities "Infinity" /
 * "-Infinity" (Python's `json.dumps` writes them bare, which readRows quotes first). Each estimator
 * then treats NaN as its scikit-learn version does (HistGradientBoosting routes it, most refuse it).
 */
const SPECIAL_CELLS = new Map<string, number>([
  ['NaN', NaN],
  ['nan', NaN],
  ['Infinity', Infinity],
  ['inf', Infinity],
  ['-Infinity', -Infinity],
  ['-inf', -Infinity],
]);

function cellValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === null) return NaN;
  return typeof value === 'string' ? SPECIAL_CELLS.get(value) : undefined;
}

/** Cells beyond which a sparse output is printed as `{"shape", "entries"}` instead of dense rows. */
const DENSE_CELL_LIMIT = 10_000_000;

/** One method output as JSON text in sklearn's shape. */
export function outputToJson(output: MethodOutput): string {
  if (output instanceof Float64Array) return JSON.stringify(Array.from(output));
  if (Array.isArray(output)) return JSON.stringify(output.map(labelToJson));
  const rows: number[][] = [];
  if (output.kind === 'dense') {
    for (let r = 0; r < output.rows; r++) rows.push(Array.from(output.data.subarray(r * output.cols, (r + 1) * output.cols)));
    return JSON.stringify(rows);
  }
  if (output.rows * output.cols > DENSE_CELL_LIMIT) {
    const entries: Array<[number, number, number]> = [];
    for (let r = 0; r < output.rows; r++) {
      for (let k = output.indptr[r]; k < output.indptr[r + 1]; k++) entries.push([r, output.indices[k], output.data[k]]);
    }
    return JSON.stringify({ shape: [output.rows, output.cols], entries });
  }
  for (let r = 0; r < output.rows; r++) {
    const row = new Array<number>(output.cols).fill(0);
    for (let k = output.indptr[r]; k < output.indptr[r + 1]; k++) row[output.indices[k]] += output.data[k];
    rows.push(row);
  }
  return JSON.stringify(rows);
}

function labelToJson(label: Label): number | string | boolean {
  if (typeof label !== 'bigint') return label;
  return Number.isSafeInteger(Number(label)) ? Number(label) : label.toString();
}

/** Python's `json.dumps([float('nan')])` writes `[NaN]`: quote bare NaN / Infinity / -Infinity outside strings. */
function quoteBareSpecials(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) => (token.startsWith('"') ? token : `"${token}"`));
}
