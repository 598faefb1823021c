import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Estimator, Label, SklearnMethod } from '../../src/sklearn/base';
import { loadModelFile } from '../../src/pickle';
import { buildEstimator, runMethod, sklearnVersionOf, type MethodOutput } from '../../src/sklearn/build-estimator';
import { fromRows } from '../../src/sklearn/matrix';

/**
 * The shared conformance runner for scikit-learn estimators (Hono's `router/common.case.test.ts`
 * idea): every estimator fixture goes through this one function, so every estimator is held to the
 * same comparison rules.
 *
 * ## Fixture files
 * A fixture is a JSON file holding ONE case object or an ARRAY of case objects:
 *
 * ```json
 * {
 *   "name": "iforest-auto",                 // optional; defaults to the model file name (+ [key])
 *   "model": "iforest-auto.joblib",         // model file, relative to the JSON file's folder
 *   "key": null,                            // optional: dict key holding the estimator; null/absent =
 *                                           //   auto-unwrap a dict holding exactly one estimator; "" = no key
 *   "input": [[0.5, null, 1e12], ...],      // rows of numbers (null = NaN), or ["text", ...] for text pipelines
 *   "outputs": {                            // sklearn's own answers, by method name
 *     "decision_function": [-0.12, ...],    // 1-D or 2-D exactly as sklearn's shape
 *     "predict": ["attack", "normal"],      // labels keep their JSON type (string, number, boolean)
 *     "predict_proba": [[0.25, 0.75], ...]
 *   },
 *   "error": "UNSUPPORTED_ESTIMATOR",       // optional instead of outputs: loading must throw this code
 *   "versions": {"sklearn": "1.4.2", "numpy": "2.2.4", "python": "3.13.5"}  // optional: what wrote the
 *                                           //   file; its _sklearn_version must be this sklearn
 * }
 * ```
 * A method's expected output may be `{"error": "ESTIMATOR_INPUT_INVALID"}`: sklearn refused the input
 * (e.g. NaN where that version has no missing-value rule), so calling it must throw that code.
 * Other fields are ignored (the IsolationForest fixtures carry a `libm` reference for their own test).
 * Floats are written with Python's `repr` (shortest round-trip), so the JSON holds sklearn's float64
 * exactly. In outputs, `null` (or the strings "nan", "inf", "-inf") stand for NaN and infinities.
 *
 * ## Comparison
 * - Numbers: `|actual - expected| <= absolute` OR `<= relative * |expected|` (defaults 1e-12 and 1e-9:
 *   the accuracy promise). Pass `tolerance` to state another one per test file.
 * - Labels (`predict` of classifiers, any string or boolean): exactly equal, type included.
 * - Shapes: the 1-D/2-D shape must equal sklearn's.
 *
 * @param options.fixture a JSON file or a folder of JSON files (every `*.json` in it), absolute or
 *   relative to `test/fixtures/sklearn/`
 * @param options.tolerance numeric tolerance, default `{ relative: 1e-9, absolute: 1e-12 }`
 * @param options.skip case name, or `name:method`, -> the reason it is skipped (shown in the test title)
 */
export function runEstimatorCases(options: RunEstimatorCasesOptions): void {
  const tolerance = { ...DEFAULT_TOLERANCE, ...options.tolerance };
  const skip = new Map<string, string>(options.skip instanceof Map ? options.skip : Object.entries(options.skip ?? {}));
  const files = fixtureFiles(options.fixture);

  for (const file of files) {
    const cases = readCases(file);
    describe(path.relative(FIXTURES_ROOT, file), () => {
      for (const estimatorCase of cases) {
        const name = caseName(estimatorCase);
        const whole = skip.get(name);
        if (whole !== undefined) {
          it.skip(`${name} (skipped: ${whole})`, () => undefined);
          continue;
        }
        const modelPath = path.resolve(path.dirname(file), estimatorCase.model);
        if (estimatorCase.error !== undefined) {
          it(`${name} refuses with ${estimatorCase.error}`, () => {
            expect(() => buildEstimator(loadModelFile(modelPath), { key: estimatorCase.key })).toThrow(
              expect.objectContaining({ code: estimatorCase.error }),
            );
          });
          continue;
        }
        describe(name, () => {
          let estimator: Estimator;
          let savedWith: string | undefined;
          beforeAll(() => {
            const value = loadModelFile(modelPath);
            savedWith = sklearnVersionOf(value, estimatorCase.key).version;
            estimator = buildEstimator(value, { key: estimatorCase.key });
          });
          const versions = estimatorCase.versions;
          if (versions !== undefined) {
            it(`was saved by scikit-learn ${versions.sklearn} (numpy ${versions.numpy}, Python ${versions.python})`, () => {
              expect(savedWith).toBe(versions.sklearn);
            });
          }
          if (estimatorCase.pythonClass !== undefined) {
            it(`is built as ${estimatorCase.pythonClass}`, () => {
              expect(estimator.pythonClass).toBe(estimatorCase.pythonClass);
            });
          }
          for (const [method, expected] of Object.entries(estimatorCase.outputs ?? {})) {
            const reason = skip.get(`${name}:${method}`);
            if (reason !== undefined) {
              it.skip(`${method} (skipped: ${reason})`, () => undefined);
              continue;
            }
            if (isErrorExpectation(expected)) {
              it(`${method} refuses the input with ${expected.error}, as sklearn does`, () => {
                expect(() => runMethod(estimator, method as SklearnMethod, toInput(estimatorCase.input))).toThrow(
                  expect.objectContaining({ code: expected.error }),
                );
              });
              continue;
            }
            it(`${method} matches sklearn (rel ${tolerance.relative}, abs ${tolerance.absolute}; labels exact)`, () => {
              const input = toInput(estimatorCase.input);
              const output = runMethod(estimator, method as SklearnMethod, input);
              if (isSparseExpectation(expected)) {
                compareSparse(output, expected, tolerance, method);
                return;
              }
              // A plain array is a label array (classifier predict): compared exactly, type included.
              const labels = Array.isArray(output);
              compare(plain(output), expected, labels ? EXACT : tolerance, method);
            });
          }
        });
      }
    });
  }
}

export interface RunEstimatorCasesOptions {
  readonly fixture: string;
  readonly tolerance?: Partial<Tolerance>;
  readonly skip?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

export interface Tolerance {
  readonly relative: number;
  readonly absolute: number;
}

/** One model and sklearn's answers for one input (see {@link runEstimatorCases}). */
export interface EstimatorCase {
  readonly name?: string;
  readonly model: string;
  readonly key?: string | null;
  readonly input: ReadonlyArray<ReadonlyArray<number | null>> | readonly string[];
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly error?: string;
  /** Optional: the Python class the estimator must report (`Estimator.pythonClass`). */
  readonly pythonClass?: string;
  /** Optional: the versions that wrote the file (`test/fixtures/sklearn/fixture_versions.py`). */
  readonly versions?: { readonly sklearn: string; readonly numpy: string; readonly python: string };
}

export const DEFAULT_TOLERANCE: Tolerance = Object.freeze({ relative: 1e-9, absolute: 1e-12 });
const EXACT: Tolerance = Object.freeze({ relative: 0, absolute: 0 });
export const FIXTURES_ROOT = path.resolve(__dirname, '../fixtures/sklearn');

function fixtureFiles(fixture: string): string[] {
  const resolved = path.resolve(FIXTURES_ROOT, fixture);
  if (!statSync(resolved).isDirectory()) return [resolved];
  return readdirSync(resolved)
    .filter((entry) => entry.endsWith('.json'))
    .sort()
    .map((entry) => path.join(resolved, entry));
}

function readCases(file: string): EstimatorCase[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as EstimatorCase | EstimatorCase[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

function caseName(c: EstimatorCase): string {
  return c.name ?? (c.key ? `${c.model}[${c.key}]` : c.model);
}

function toInput(input: EstimatorCase['input']) {
  if (input.length > 0 && typeof input[0] === 'string') return input as readonly string[];
  const rows = input as ReadonlyArray<ReadonlyArray<unknown>>;
  return fromRows(rows.map((row) => row.map((v) => (typeof v === 'number' ? v : (SPECIAL.get(v) ?? NaN)))));
}

/** Any estimator output as plain nested arrays (sparse transforms become dense rows). */
export function plain(output: MethodOutput): unknown[] {
  if (output instanceof Float64Array) return Array.from(output);
  if (Array.isArray(output)) return output as Label[];
  const matrix = output as Exclude<MethodOutput, Float64Array | Label[]>;
  const rows: number[][] = [];
  for (let r = 0; r < matrix.rows; r++) {
    const row = new Array<number>(matrix.cols).fill(0);
    if (matrix.kind === 'dense') {
      for (let c = 0; c < matrix.cols; c++) row[c] = matrix.data[r * matrix.cols + c];
    } else {
      for (let k = matrix.indptr[r]; k < matrix.indptr[r + 1]; k++) row[matrix.indices[k]] += matrix.data[k];
    }
    rows.push(row);
  }
  return rows;
}

const SPECIAL = new Map<unknown, number>([
  [null, NaN],
  ['nan', NaN],
  ['inf', Infinity],
  ['-inf', -Infinity],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);

/** sklearn's sparse outputs too wide to write densely: `{"shape": [r, c], "entries": [[row, col, value], ...]}`. */
interface SparseExpectation {
  readonly shape: readonly [number, number];
  readonly entries: ReadonlyArray<readonly [number, number, unknown]>;
}

function isErrorExpectation(value: unknown): value is { readonly error: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { error?: unknown }).error === 'string';
}

function isSparseExpectation(value: unknown): value is SparseExpectation {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'entries' in value && 'shape' in value;
}

/** Compares cell by cell over the union of stored cells (absent = 0), without densifying. */
function compareSparse(output: MethodOutput, expected: SparseExpectation, tolerance: Tolerance, where: string): void {
  if (output instanceof Float64Array || Array.isArray(output)) throw new Error(`${where}: expected a ${expected.shape.join('x')} matrix, got a 1-D output`);
  if (output.rows !== expected.shape[0] || output.cols !== expected.shape[1]) {
    throw new Error(`${where}: expected shape ${expected.shape.join('x')}, got ${output.rows}x${output.cols}`);
  }
  const actual = new Map<string, number>();
  for (let r = 0; r < output.rows; r++) {
    if (output.kind === 'dense') {
      for (let c = 0; c < output.cols; c++) if (output.data[r * output.cols + c] !== 0) actual.set(`${r},${c}`, output.data[r * output.cols + c]);
    } else {
      for (let k = output.indptr[r]; k < output.indptr[r + 1]; k++) {
        const cell = `${r},${output.indices[k]}`;
        actual.set(cell, (actual.get(cell) ?? 0) + output.data[k]);
      }
    }
  }
  const wanted = new Map<string, unknown>(expected.entries.map(([r, c, v]) => [`${r},${c}`, v]));
  for (const cell of new Set([...actual.keys(), ...wanted.keys()])) {
    compare(actual.get(cell) ?? 0, wanted.get(cell) ?? 0, tolerance, `${where}[${cell}]`);
  }
}

function compare(actual: unknown, expected: unknown, tolerance: Tolerance, where: string): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new Error(`${where}: expected an array of ${expected.length}, got ${JSON.stringify(actual)}`);
    if (actual.length !== expected.length) throw new Error(`${where}: expected length ${expected.length}, got ${actual.length}`);
    expected.forEach((e, i) => compare(actual[i], e, tolerance, `${where}[${i}]`));
    return;
  }
  if (typeof actual === 'number' && (typeof expected === 'number' || SPECIAL.has(expected))) {
    const e = typeof expected === 'number' ? expected : (SPECIAL.get(expected) as number);
    if (Object.is(actual, e) || actual === e) return;
    if (Number.isNaN(e) || !Number.isFinite(e)) throw new Error(`${where}: expected ${e}, got ${actual}`);
    const diff = Math.abs(actual - e);
    if (diff <= tolerance.absolute || diff <= tolerance.relative * Math.abs(e)) return;
    throw new Error(`${where}: expected ${e}, got ${actual} (difference ${diff})`);
  }
  // Labels: exact, type included (the string "1" is not the number 1).
  if (actual !== expected) throw new Error(`${where}: expected label ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
