import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expit, pairwiseSum, softmaxRows } from '../../../src/sklearn/linear/activations';
import { denseMatrix } from '../../../src/sklearn/matrix';

// numpy 1.24 / scipy 1.10 / sklearn 1.2.1 answers (numpy-units.json, from generate_models.py).
// pairwiseSum must be bit-identical to np.sum: the values span 16 orders of magnitude, so any other
// summation order shows. expit and softmax: within 1 ulp-scale tolerance (exp comes from V8, not libm).
interface NumpyUnits {
  pairwise_sum: [number[], number, number][];
  expit: [number, number][];
  softmax: [number[][], number[][]][];
}
const units = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/sklearn/models/numpy-units.json'), 'utf8')) as NumpyUnits;

describe('pairwiseSum equals numpy.sum bit for bit', () => {
  it.each(units.pairwise_sum.map(([a, sum]) => [a.length, a, sum] as const))('%d values', (_n, values, expected) => {
    expect(pairwiseSum(Float64Array.from(values), 0, values.length)).toBe(expected);
  });

  it('differs from a left-to-right loop on the same data (the order matters)', () => {
    const differs = units.pairwise_sum.some(([a, sum]) => a.reduce((s, v) => s + v, 0) !== sum);
    expect(differs).toBe(true);
  });
});

describe('expit and softmax match scipy/sklearn (rel 1e-15, abs 1e-300)', () => {
  const close = (actual: number, expected: number) => {
    expect(Math.abs(actual - expected) <= 1e-300 || Math.abs(actual - expected) <= 1e-15 * Math.abs(expected)).toBe(true);
  };
  it.each(units.expit)('expit(%p)', (x, expected) => close(expit(x), expected));
  it.each(units.softmax.map(([m, e]) => [m[0].length, m, e] as const))('softmax over %d columns', (k, m, expected) => {
    const out = softmaxRows(denseMatrix(m.length, k, Float64Array.from(m.flat())));
    expected.flat().forEach((e, i) => close(out.data[i], e));
  });
});
