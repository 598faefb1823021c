import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exp, exp2, log } from '../../../src/sklearn/tree/libm';
import { FIXTURES_ROOT } from '../run-estimator-cases';

// Exact (tolerance 0): correctly rounded results from 60-digit decimal arithmetic
// (test/fixtures/sklearn/generate_trees.py, libm_cases).
const cases = JSON.parse(readFileSync(path.join(FIXTURES_ROOT, 'trees', 'libm.json'), 'utf8')) as Record<string, Array<[number, number]>>;
const functions = new Map<string, (x: number) => number>([
  ['exp', exp],
  ['log', log],
  ['exp2', exp2],
]);

describe('correctly rounded libm', () => {
  for (const [name, fn] of functions) {
    it(`${name} rounds like the exact value for ${cases[name].length} inputs`, () => {
      const wrong = cases[name].filter(([x, expected]) => fn(x) !== expected);
      expect(wrong).toEqual([]);
    });
  }

  it('keeps the special values of Math', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(800)).toBe(Infinity);
    expect(Number.isNaN(exp(NaN))).toBe(true);
    expect(log(1)).toBe(0);
    expect(log(0)).toBe(-Infinity);
    expect(Number.isNaN(log(-1))).toBe(true);
    expect(exp2(-1)).toBe(0.5);
    expect(exp2(0)).toBe(1);
  });
});
