import path from 'node:path';
import { loadModelFile } from '../../src/pickle';
import { PyObject } from '../../src/pickle/python-value';
import { buildEstimator, runMethod } from '../../src/sklearn/build-estimator';
import type { DenseMatrix } from '../../src/sklearn/matrix';
import { fromRows } from '../../src/sklearn/matrix';
import { compareVersions, minorOf, parseVersion, pickByVersion, versionAtLeast } from '../../src/sklearn/versions';
import { FIXTURES_ROOT } from './run-estimator-cases';

describe('version helpers', () => {
  it('parses release, post, dev and rc versions', () => {
    expect(parseVersion('1.4.2')).toEqual([1, 4, 2]);
    expect(parseVersion('0.22.2.post1')).toEqual([0, 22, 2]);
    expect(parseVersion('1.6.dev0')).toEqual([1, 6]);
    expect(parseVersion('1.5rc1')).toEqual([1, 5]);
    expect(parseVersion('unknown')).toBeUndefined();
    expect(minorOf('1.10.0')).toBe('1.10');
  });

  it('compares numerically, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.4', '1.4.0')).toBe(0);
    expect(versionAtLeast('0.24.2', '1.3')).toBe(false);
    expect(versionAtLeast(undefined, '0')).toBe(true);
  });

  it('picks the last row a version reaches', () => {
    const table = [
      { since: '0', v: 'old' },
      { since: '1.4', v: 'mid' },
      { since: '1.8', v: 'new' },
    ];
    expect(pickByVersion(table, '1.3.2').v).toBe('old');
    expect(pickByVersion(table, '1.4.0').v).toBe('mid');
    expect(pickByVersion(table, '1.7.2').v).toBe('mid');
    expect(pickByVersion(table, '1.10.1').v).toBe('new');
    expect(pickByVersion(table, undefined).v).toBe('old');
  });
});

// A real LogisticRegression (binary, lbfgs, multi_class="auto") fitted by scikit-learn 1.4.2, with its
// version and multi_class rewritten as other versions would have pickled them.
function logisticRegressionAs(version: string, multiClass: string | undefined): PyObject {
  const value = loadModelFile(path.join(FIXTURES_ROOT, '1.4/models/linear/logreg_default_binary_str.pkl')) as PyObject;
  const state = value.dict();
  state.set('_sklearn_version', version);
  if (multiClass === undefined) state.delete('multi_class');
  else state.set('multi_class', multiClass);
  return value;
}

const ROWS = fromRows([
  [0.5, -1, 2, 3, 0.25],
  [-2, 4, -1, 10, 1],
  [3, 3, 3, 3, 3],
]);

function probaAndDecision(model: PyObject): { proba: DenseMatrix; decision: Float64Array } {
  const estimator = buildEstimator(model);
  return {
    proba: runMethod(estimator, 'predict_proba', ROWS) as DenseMatrix,
    decision: runMethod(estimator, 'decision_function', ROWS) as Float64Array,
  };
}

const expit = (x: number) => 1 / (1 + Math.exp(-x));

describe('LogisticRegression follows the multi_class rule of the version that wrote the file', () => {
  it.each([
    ['1.6.1', 'deprecated'],
    ['1.7.2', 'deprecated'],
    ['1.8.0', undefined],
    ['1.3.2', 'auto'],
  ])('%s with multi_class=%s: binary is one-vs-rest, [1 - expit(d), expit(d)]', (version, multiClass) => {
    const { proba, decision } = probaAndDecision(logisticRegressionAs(version, multiClass));
    decision.forEach((d, r) => {
      expect(proba.data[2 * r + 1]).toBeCloseTo(expit(d), 14);
      expect(proba.data[2 * r]).toBeCloseTo(1 - expit(d), 14);
    });
  });

  it('1.4 with multi_class="multinomial": the 2-class softmax of [-d, d], which differs', () => {
    const { proba, decision } = probaAndDecision(logisticRegressionAs('1.4.2', 'multinomial'));
    decision.forEach((d, r) => expect(proba.data[2 * r + 1]).toBeCloseTo(expit(2 * d), 14));
    const gap = Math.max(...Array.from(decision, (d, r) => Math.abs(proba.data[2 * r + 1] - expit(d))));
    expect(gap).toBeGreaterThan(1e-3); // the rows are not all saturated: the two rules really differ here
  });

  it.each([
    ['1.4.2', 'deprecated', /multi_class is "deprecated", which scikit-learn 1\.4\.2 does not write/],
    ['1.7.0', undefined, /multi_class is missing, which scikit-learn 1\.7\.0 does not write/],
    ['1.2.1', 'sometimes', /multi_class is "sometimes"/],
  ])('refuses a %s file whose multi_class is %s, naming class, attribute and version', (version, multiClass, message) => {
    expect(() => buildEstimator(logisticRegressionAs(version, multiClass))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR', message: expect.stringMatching(message) }),
    );
  });
});

describe('trees and the NaN rule of their version', () => {
  function treeAs(version: string): PyObject {
    const value = loadModelFile(path.join(FIXTURES_ROOT, 'trees/tree/dtc-int3-depth5.pkl')) as PyObject;
    value.dict().set('_sklearn_version', version);
    return value;
  }

  it('a 1.2 tree (no missing_go_to_left) refuses NaN with ESTIMATOR_INPUT_INVALID', () => {
    const estimator = buildEstimator(treeAs('1.2.1'));
    expect(() => runMethod(estimator, 'predict', fromRows([[NaN, 0, 0, 0]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('a file claiming 1.4 without missing_go_to_left in its nodes is refused, not guessed', () => {
    expect(() => buildEstimator(treeAs('1.4.2'))).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR', message: expect.stringMatching(/missing_go_to_left, which scikit-learn 1\.4\.2 writes/) }),
    );
  });
});
