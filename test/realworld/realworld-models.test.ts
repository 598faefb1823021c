import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadModelFile } from '../../src/pickle';
import type { Estimator } from '../../src/sklearn/base';
import { buildEstimator, runMethod } from '../../src/sklearn/build-estimator';
import { fromRows, type DenseMatrix, type EstimatorInput } from '../../src/sklearn/matrix';
import { plain } from '../sklearn/run-estimator-cases';

/**
 * The real-world corpus (../shared/realworld-models, see its README): model files published in public
 * repositories and saved by scikit-learn 0.19 to 1.9, each run on the rows of
 * `cases/expected/CASE.input.json` and compared with scikit-learn's own outputs
 * (`CASE.expected.json`) for EVERY method stored there -- in-process, the rules of `cases/compare.py`:
 * - floats within 1e-9 relative or 1e-12 absolute; NaN (JSON null) only where sklearn gave NaN;
 * - `predict` of a classifier (labels: strings, booleans or integral numbers) exactly.
 * Every scikit-learn file must load and match. The only accepted refusal is code that is not
 * scikit-learn's (ACCEPTED_REFUSALS), and its message must say what to do.
 *
 * The folder sits beside the clone (never copied into the repo). Where it is absent (a user's clone)
 * the suite skips with that reason; in CI (`CI` or `CRS_ML_E2E` set) its absence fails.
 */
const CORPUS = path.resolve(process.env.CRS_ML_REALWORLD_DIR ?? path.join(__dirname, '../../../shared/realworld-models'));
const CASES = path.join(CORPUS, 'cases');
const REQUIRED = process.env.CI !== undefined || process.env.CRS_ML_E2E === '1';
const TOLERANCE = { relative: 1e-9, absolute: 1e-12 };

/** Refusals that are right: the file needs code that is not in it. Case id -> [code, what the message must say]. */
const ACCEPTED_REFUSALS = new Map<string, readonly [string, RegExp]>([
  // Pipeline holding __main__.TitleExtractor, a class of the author's script: not scikit-learn.
  ['titanic_mattk_pipeline', ['PICKLE_GLOBAL_NOT_ALLOWED', /TitleExtractor is a class defined in the script that saved the model \(__main__\).*Re-save the model without it/]],
]);

interface CorpusCase {
  readonly id: string;
  readonly file: string;
  readonly key: string | null;
  readonly saved_sklearn: string | null;
  readonly noref_methods?: readonly string[];
  readonly noref_reason?: string;
}

interface Expected {
  readonly estimator: string;
  readonly methods: Readonly<Record<string, unknown>>;
}

if (!existsSync(path.join(CASES, 'cases.json'))) {
  const reason = `${CORPUS} is absent (it sits beside the clone in the project's workspace and CI; set CRS_ML_REALWORLD_DIR to point elsewhere)`;
  if (REQUIRED) {
    test('the real-world corpus is present', () => {
      throw new Error(`cannot run the real-world corpus: ${reason}`);
    });
  } else {
    test.skip(`real-world corpus skipped: ${reason}`, () => undefined);
  }
} else {
  const cases = JSON.parse(readFileSync(path.join(CASES, 'cases.json'), 'utf8')) as CorpusCase[];

  describe('real-world model files (../shared/realworld-models)', () => {
    it('lists cases', () => {
      expect(cases.length).toBeGreaterThan(40);
    });

    for (const c of cases) {
      const file = path.join(CORPUS, path.basename(c.file));
      const expectedFile = path.join(CASES, 'expected', `${c.id}.expected.json`);
      const expected = existsSync(expectedFile) ? (JSON.parse(readFileSync(expectedFile, 'utf8')) as Expected) : undefined;
      const refusal = ACCEPTED_REFUSALS.get(c.id);
      const title = `${c.id} (${c.saved_sklearn ?? 'no sklearn version'}${c.key === null ? '' : `, key ${c.key}`})`;

      if (refusal !== undefined) {
        it(`${title} is refused with ${refusal[0]}, saying what to do`, () => {
          expect(() => load(file, c.key)).toThrow(expect.objectContaining({ code: refusal[0], message: expect.stringMatching(refusal[1]) }));
        });
        continue;
      }

      if (expected === undefined || Object.keys(expected.methods ?? {}).length === 0) {
        // No Python reference (Python's restricted loader refuses non-sklearn globals, e.g. XGBoost):
        // the file must still load and answer every row. Python could not learn the model's width, so
        // the stored placeholder rows are 30 numbers wide: each row is cut to n_features_in_.
        const input = readInput(path.join(CASES, 'expected', `${c.id}.noref-input.json`));
        for (const method of c.noref_methods ?? ['predict']) {
          it(`${title} ${method} answers every row (no Python reference: ${c.noref_reason ?? 'none stored'})`, () => {
            const estimator = load(file, c.key);
            const output = plain(runMethod(estimator, method, narrowed(input, estimator.nFeaturesIn)));
            expect(output).toHaveLength(rowCount(input));
            for (const value of output.flat()) expect(['number', 'string', 'boolean'].includes(typeof value)).toBe(true);
          });
        }
        continue;
      }

      describe(title, () => {
        let estimator: Estimator | undefined;
        let loadError: unknown;
        const input = readInput(path.join(CASES, 'expected', `${c.id}.input.json`));
        beforeAll(() => {
          try {
            estimator = load(file, c.key);
          } catch (error) {
            loadError = error;
          }
        });

        it(`loads as ${expected.estimator}`, () => {
          if (loadError !== undefined) throw loadError;
          expect(shortName(estimator!.pythonClass)).toBe(shortName(expected.estimator));
        });

        for (const [method, want] of Object.entries(expected.methods)) {
          const labels = method === 'predict' && !expected.estimator.endsWith('Regressor') && isLabelOutput(want);
          it(`${method} matches scikit-learn (${labels ? 'labels exact' : 'rel 1e-9, abs 1e-12'})`, () => {
            if (loadError !== undefined) throw loadError;
            const got = plain(runMethod(estimator!, method, input));
            const problems: string[] = [];
            compare(got, want, labels, method, problems);
            expect(problems.slice(0, 5)).toEqual([]);
          });
        }
      });
    }
  });
}

function load(file: string, key: string | null): Estimator {
  return buildEstimator(loadModelFile(file), { key: key ?? undefined });
}

function readInput(file: string): EstimatorInput {
  const rows = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  if (rows.every((row) => typeof row === 'string')) return rows as string[];
  return fromRows(rows as Array<Array<number | null>>);
}

/** The first `width` columns of numeric rows wider than that (text and narrower rows unchanged). */
function narrowed(input: EstimatorInput, width: number | undefined): EstimatorInput {
  if (Array.isArray(input) || width === undefined) return input;
  const m = input as DenseMatrix;
  if (m.kind !== 'dense' || m.cols <= width) return input;
  return fromRows(Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, r * m.cols + width))));
}

function rowCount(input: EstimatorInput): number {
  return Array.isArray(input) ? input.length : (input as { rows: number }).rows;
}

function shortName(pythonClass: string): string {
  return pythonClass.slice(pythonClass.lastIndexOf('.') + 1);
}

/** compare.py's rule: predict is exact when any value is a string, a boolean or an integral number. */
function isLabelOutput(value: unknown): boolean {
  const flat = Array.isArray(value) ? (value as unknown[]).flat(2) : [value];
  return flat.some((v) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v)));
}

function compare(got: unknown, want: unknown, exact: boolean, where: string, problems: string[]): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      problems.push(`${where}: expected ${want.length} items, got ${Array.isArray(got) ? got.length : JSON.stringify(got)}`);
      return;
    }
    want.forEach((w, i) => compare(got[i], w, exact, `${where}[${i}]`, problems));
    return;
  }
  const value = typeof got === 'bigint' ? Number(got) : got;
  if (want === null) {
    if (!(typeof value === 'number' && Number.isNaN(value))) problems.push(`${where}: expected NaN, got ${String(value)}`);
    return;
  }
  if (exact || typeof want !== 'number' || typeof value !== 'number') {
    const same = typeof want === 'number' && typeof value === 'number' ? value === want : value === want;
    if (!same) problems.push(`${where}: expected ${JSON.stringify(want)}, got ${JSON.stringify(value)}`);
    return;
  }
  const diff = Math.abs(value - want);
  if (!(diff <= TOLERANCE.absolute || diff <= TOLERANCE.relative * Math.abs(want))) {
    problems.push(`${where}: expected ${want}, got ${value} (difference ${diff.toExponential(2)})`);
  }
}
