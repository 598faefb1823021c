import { NdArray } from '../numpy/ndarray';
import { PyObject, type PyValue } from '../pickle/python-value';
import type { Label } from './base';
import type { SparseMatrix } from './matrix';
import { EstimatorStateError } from './errors';

/**
 * Typed, checked access to a pickled `__dict__`: every getter names the class and attribute in its
 * error, so a file from an unexpected scikit-learn version fails with "IsolationForest.offset_: expected
 * a number, got a string" instead of a NaN somewhere downstream.
 */
export class StateReader {
  constructor(
    readonly state: ReadonlyMap<string, PyValue>,
    /** Python class path, for messages. */
    readonly pythonClass: string,
  ) {}

  /** Reads the `__dict__` of a nested PyObject (e.g. a `tree_` inside an estimator). */
  static of(value: PyValue, what: string): StateReader {
    if (!(value instanceof PyObject)) throw new EstimatorStateError(`${what}: expected a pickled object, got ${describeValue(value)}`);
    return new StateReader(stringKeyed(value.dict()), value.className);
  }

  has(name: string): boolean {
    return this.state.has(name) && this.state.get(name) !== undefined;
  }

  /** The raw value; throws when the attribute is absent. */
  value(name: string): PyValue {
    if (!this.state.has(name)) throw this.error(name, 'the attribute is missing; the file may come from an unsupported scikit-learn version');
    return this.state.get(name) as PyValue;
  }

  number(name: string): number {
    const n = toNumber(this.value(name));
    if (n === undefined) throw this.error(name, `expected a number, got ${describeValue(this.value(name))}`);
    return n;
  }

  /** A number, or `undefined` when the attribute is absent or None. */
  optionalNumber(name: string): number | undefined {
    return this.has(name) && this.value(name) !== null ? this.number(name) : undefined;
  }

  string(name: string): string {
    const v = this.value(name);
    if (typeof v !== 'string') throw this.error(name, `expected a string, got ${describeValue(v)}`);
    return v;
  }

  array(name: string): NdArray {
    const v = this.value(name);
    if (!(v instanceof NdArray)) throw this.error(name, `expected a numpy array, got ${describeValue(v)}`);
    return v;
  }

  /** A numeric array (or a list of numbers) as float64, in C order. */
  float64(name: string): Float64Array {
    const v = this.value(name);
    if (v instanceof NdArray) return v.toFloat64();
    if (Array.isArray(v)) {
      const out = new Float64Array(v.length);
      v.forEach((item, i) => {
        const n = toNumber(item);
        if (n === undefined) throw this.error(name, `item ${i} is ${describeValue(item)}, not a number`);
        out[i] = n;
      });
      return out;
    }
    throw this.error(name, `expected a numeric array, got ${describeValue(v)}`);
  }

  /** A list, tuple or object array as plain values. */
  list(name: string): readonly PyValue[] {
    const v = this.value(name);
    if (Array.isArray(v)) return v as readonly PyValue[];
    if (v instanceof NdArray) return v.toArray() as PyValue[];
    throw this.error(name, `expected a list, got ${describeValue(v)}`);
  }

  /** `classes_`-like arrays: labels keep their Python type (str, int, bool). */
  labels(name: string): Label[] {
    return this.list(name).map((item, i) => {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint') return item;
      const n = toNumber(item);
      if (n !== undefined) return n;
      throw this.error(name, `label ${i} is ${describeValue(item)}; only str, int, float and bool labels are supported`);
    });
  }

  object(name: string): PyObject {
    const v = this.value(name);
    if (!(v instanceof PyObject)) throw this.error(name, `expected a pickled object, got ${describeValue(v)}`);
    return v;
  }

  /** A pickled scipy `csr_matrix` (its `__dict__`: data, indices, indptr, _shape). */
  csrMatrix(name: string): SparseMatrix {
    const m = StateReader.of(this.value(name), `${this.pythonClass}.${name}`);
    if (!m.pythonClass.includes('csr')) throw this.error(name, `expected a CSR matrix, got ${m.pythonClass}`);
    const shape = m.list('_shape').map(Number);
    return {
      kind: 'csr',
      rows: shape[0],
      cols: shape[1],
      indptr: Int32Array.from(m.float64('indptr')),
      indices: Int32Array.from(m.float64('indices')),
      data: m.float64('data'),
    };
  }

  error(name: string, problem: string): EstimatorStateError {
    return new EstimatorStateError(`${shortName(this.pythonClass)}.${name}: ${problem} (in the pickled ${this.pythonClass}).`);
  }
}

/** `sklearn.ensemble._iforest.IsolationForest` -> `IsolationForest`, for messages. */
export function shortName(pythonClass: string): string {
  return pythonClass.slice(pythonClass.lastIndexOf('.') + 1);
}

/** Python number-like values (int, float, bool, numpy scalars as 0-d or 1-element arrays) as a JS number. */
export function toNumber(value: PyValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
  if (value instanceof NdArray && value.size === 1 && 'biuf'.includes(value.dtype.kind)) return value.toFloat64()[0];
  return undefined;
}

/** Keeps the string keys of a pickled dict (a `__dict__` only has string keys). */
export function stringKeyed(map: Map<PyValue, PyValue>): Map<string, PyValue> {
  const out = new Map<string, PyValue>();
  for (const [key, value] of map) if (typeof key === 'string') out.set(key, value);
  return out;
}

/** A short human description of a value for error messages. */
export function describeValue(value: PyValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (value instanceof PyObject) return `a ${value.className} object`;
  if (value instanceof NdArray) return `an array of dtype ${value.dtype.str} and shape (${value.shape.join(', ')})`;
  if (value instanceof Map) return `a dict of ${value.size} keys`;
  if (value instanceof Set) return 'a set';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return `${Object.isFrozen(value) ? 'a tuple' : 'a list'} of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}
