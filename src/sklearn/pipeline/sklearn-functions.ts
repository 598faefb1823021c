import { NdArray } from '../../numpy/ndarray';
import { PyGlobal, PyObject, type PyValue } from '../../pickle/python-value';
import { canonicalGlobal } from '../../pickle/globals';
import { UnsupportedEstimatorError } from '../errors';
import type { EstimatorInput } from '../matrix';
import { numericInput, type FiniteCheck, type NumericInput } from '../linear/numeric-input';
import { describeValue, stringKeyed } from '../state-reader';

/** A scikit-learn function as this server runs it: our TypeScript twin, bound to the pickled keywords. */
export type SklearnFunction = (X: EstimatorInput) => NumericInput;

/**
 * The scikit-learn functions a `FunctionTransformer` may hold (directly, or inside the
 * `functools.partial` the pickle allowlist admits: src/pickle/globals.ts `PARTIAL_FUNCTIONS`), each
 * mapped to our own implementation. Nothing from the file is called: the name picks the twin, the
 * keywords configure it, and unknown keywords are refused.
 */
const SKLEARN_FUNCTIONS = new Map<string, (keywords: ReadonlyMap<string, PyValue>, where: string) => SklearnFunction>([
  ['sklearn.utils.validation.check_array', checkArray],
]);

/**
 * `check_array(X, dtype=[float64], force_all_finite=False)` as HistGradientBoosting 1.4+ wraps it
 * (1.9.0 spells the keyword `ensure_all_finite`): the rows converted to float64, with sklearn's
 * finiteness check (`True` refuses NaN and infinity, `"allow-nan"` infinity only, `False` nothing).
 * Rows here are already float64, so the conversion is the identity.
 */
function checkArray(keywords: ReadonlyMap<string, PyValue>, where: string): SklearnFunction {
  let finite: FiniteCheck = 'all';
  for (const [name, value] of keywords) {
    if (name === 'force_all_finite' || name === 'ensure_all_finite') {
      if (value === false) finite = 'none';
      else if (value === 'allow-nan') finite = 'allow-nan';
      else if (value !== true) throw refuse(where, `check_array(${name}=${describeValue(value)})`);
    } else if (name === 'dtype') {
      if (!isFloat64(value)) throw refuse(where, `check_array(dtype=${describeValue(value)}); only float64 is supported`);
    } else if (!(name === 'accept_sparse' || name === 'ensure_2d' || name === 'allow_nd' || name === 'copy' || name === 'order')) {
      throw refuse(where, `check_array(${name}=...)`);
    }
  }
  return (X) => numericInput(X, 'check_array', finite);
}

function isFloat64(value: PyValue): boolean {
  if (Array.isArray(value)) return value.length === 1 && isFloat64(value[0] as PyValue);
  if (value instanceof PyGlobal) return ['numpy.float64', 'builtins.float'].includes(canonicalGlobal(value.module, value.name));
  if (value instanceof NdArray) return false;
  return value === 'float64' || String(value) === 'float64';
}

function refuse(where: string, what: string): UnsupportedEstimatorError {
  return new UnsupportedEstimatorError(where, undefined, `${what} is not supported; re-fit without it or do the step before sending rows`);
}

/**
 * The twin of a pickled `func`: a scikit-learn function named directly, or a `functools.partial` of
 * one (state `(func, args, keywords, dict)`, no positional arguments). `undefined` when `func` is
 * something else (the caller refuses it).
 */
export function sklearnFunction(func: PyValue, where: string): SklearnFunction | undefined {
  if (func instanceof PyGlobal) return SKLEARN_FUNCTIONS.get(canonicalGlobal(func.module, func.name))?.(new Map(), where);
  if (!(func instanceof PyObject) || func.className !== 'functools.partial') return undefined;
  const state = func.state;
  const [inner, args, keywords] = Array.isArray(state) ? (state as PyValue[]) : [func.args[0], [], null];
  if (!(inner instanceof PyGlobal) || (Array.isArray(args) && args.length > 0)) return undefined;
  const make = SKLEARN_FUNCTIONS.get(canonicalGlobal(inner.module, inner.name));
  if (make === undefined) return undefined;
  return make(keywords instanceof Map ? stringKeyed(keywords) : new Map(), where);
}
