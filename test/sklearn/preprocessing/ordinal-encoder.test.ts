import { PyGlobal, PyObject, type PyValue } from '../../../src/pickle/python-value';
import type { BuildContext } from '../../../src/sklearn/base';
import { PARTIAL_FUNCTIONS } from '../../../src/pickle/globals';
import { FunctionTransformer } from '../../../src/sklearn/pipeline/function-transformer';
import { sklearnFunction } from '../../../src/sklearn/pipeline/sklearn-functions';
import { OrdinalEncoder } from '../../../src/sklearn/preprocessing/ordinal-encoder';
import { fromRows, type DenseMatrix } from '../../../src/sklearn/matrix';

// The pickled OrdinalEncoder of 1.2.1, 1.4.2 and 1.9.0 (generate_hgb.py, `ordinal-encoder`) is compared
// with sklearn by test/sklearn/ensemble/hist-gradient-boosting-versions.test.ts; these are its rules.

const context: BuildContext = {
  sklearnVersion: '1.9.0',
  build: () => {
    throw new Error('not used');
  },
};

function encoder(state: Record<string, PyValue>): OrdinalEncoder {
  return OrdinalEncoder.fromState(new Map(Object.entries({ n_features_in_: 1, ...state })), 'sklearn.preprocessing._encoders.OrdinalEncoder', context);
}

describe('OrdinalEncoder rules', () => {
  it('handle_unknown="error" refuses an unknown category (and NaN when NaN was not a training category), as sklearn does', () => {
    const e = encoder({ categories_: [[1, 5, 9]], handle_unknown: 'error', unknown_value: null });
    expect((e.transform(fromRows([[9], [1]])) as DenseMatrix).data).toEqual(Float64Array.from([2, 0]));
    expect(() => e.transform(fromRows([[4]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID', message: expect.stringContaining('unknown category 4 in column 0') }));
    expect(() => e.transform(fromRows([[null]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('NaN as a training category (last) is encoded_missing_value; NaN is the default', () => {
    const e = encoder({ categories_: [[1, 5, NaN]], handle_unknown: 'use_encoded_value', unknown_value: NaN });
    expect(Array.from((e.transform(fromRows([[null], [5], [7]])) as DenseMatrix).data)).toEqual([NaN, 1, NaN]);
  });

  it('refuses string categories and infrequent categories at load, saying what to do', () => {
    expect(() => encoder({ categories_: [['red', 'blue']], handle_unknown: 'error', unknown_value: null })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR', message: expect.stringContaining('re-fit with integer category codes') }),
    );
    expect(() => encoder({ categories_: [[1, 2]], handle_unknown: 'error', unknown_value: null, _infrequent_enabled: true })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR', message: expect.stringContaining('infrequent categories') }),
    );
  });
});

describe('FunctionTransformer holding a scikit-learn function', () => {
  const checkArray = new PyGlobal('sklearn.utils.validation', 'check_array');
  const partial = (keywords: Record<string, PyValue>, func: PyGlobal = checkArray): PyObject => {
    const p = new PyObject('functools.partial', [func]);
    p.state = Object.freeze([func, Object.freeze([]), new Map(Object.entries(keywords)), null]);
    return p;
  };
  const build = (func: PyValue, extra: Record<string, PyValue> = {}) =>
    FunctionTransformer.fromState(new Map(Object.entries({ func, kw_args: null, ...extra })), 'sklearn.preprocessing._function_transformer.FunctionTransformer', context);

  it('partial(check_array, force_all_finite=False) passes NaN; the default check refuses it like sklearn', () => {
    const dtype = [new PyGlobal('numpy', 'float64')];
    const lenient = build(partial({ dtype, force_all_finite: false }));
    expect(Array.from((lenient.transform(fromRows([[1, null]])) as DenseMatrix).data)).toEqual([1, NaN]);
    expect(Array.from((build(partial({ dtype, ensure_all_finite: 'allow-nan' })).transform(fromRows([[null]])) as DenseMatrix).data)).toEqual([NaN]);
    expect(() => build(partial({ dtype })).transform(fromRows([[null]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
    expect(() => build(checkArray).transform(fromRows([[Infinity]]))).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });

  it('every function the pickle allowlist lets functools.partial wrap has a TypeScript twin', () => {
    for (const name of PARTIAL_FUNCTIONS.keys()) {
      const dot = name.lastIndexOf('.');
      expect([name, sklearnFunction(new PyGlobal(name.slice(0, dot), name.slice(dot + 1)), 'test') !== undefined]).toEqual([name, true]);
    }
  });

  it('refuses other functions, unknown keywords, other dtypes and kw_args', () => {
    const refused = expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR' });
    expect(() => build(partial({}, new PyGlobal('sklearn.utils.validation', 'check_X_y')))).toThrow(refused);
    expect(() => build(partial({ estimator: 'x' }))).toThrow(refused);
    expect(() => build(partial({ dtype: [new PyGlobal('numpy', 'float32')] }))).toThrow(refused);
    expect(() => build(checkArray, { kw_args: new Map<PyValue, PyValue>([['copy', true]]) })).toThrow(refused);
    expect(() => build(new PyGlobal('numpy', 'log1p'))).toThrow(refused);
  });
});
