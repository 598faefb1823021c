import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEstimator, runMethod } from '../../../src/sklearn/build-estimator';
import type { DenseMatrix } from '../../../src/sklearn/matrix';

// Opt-in: text models trained on ~5,000 CRS regression payloads by test/fixtures/sklearn/generate_crs_corpus.py
// (several MB, so not committed). Tolerance: 1e-9 relative or 1e-12 absolute; labels exact.
// KNN ties: sklearn's answer depends on its OpenMP thread count; generate with OMP_NUM_THREADS=1 to compare.
const dir = process.env.CRS_CORPUS_DIR;
const available = dir !== undefined && existsSync(path.join(dir, 'expected.json'));
if (!available) {
  it.skip('CRS corpus models (skipped: set CRS_CORPUS_DIR to the output of generate_crs_corpus.py)', () => undefined);
}

(available ? describe : describe.skip)(`CRS corpus models in ${dir}`, () => {
  const expected = available
    ? (JSON.parse(readFileSync(path.join(dir as string, 'expected.json'), 'utf8')) as Record<string, unknown>)
    : {};
  const test = (expected.test ?? []) as string[];
  for (const name of Object.keys(expected).filter((k) => k !== 'test')) {
    it(`${name} matches sklearn on every held-out payload`, () => {
      const want = expected[name] as { method: string; values: number[]; predict: unknown[] };
      const estimator = loadEstimator(path.join(dir as string, `${name}.pkl`));
      const out = runMethod(estimator, want.method, test);
      const values = out instanceof Float64Array ? Array.from(out) : Array.from({ length: test.length }, (_, r) => (out as DenseMatrix).data[r * 2 + 1]);
      const outside = want.values.filter((w, i) => !(Math.abs(values[i] - w) <= 1e-12 || Math.abs(values[i] - w) <= 1e-9 * Math.abs(w)));
      expect(outside).toEqual([]);
      expect(runMethod(estimator, 'predict', test)).toEqual(want.predict);
    });
  }
});
