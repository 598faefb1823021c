/**
 * What the unpickler builds: plain JavaScript for Python's plain values, and small classes for the
 * rest. No Python code ever runs; a `PyObject` is data (class path + state), never behaviour.
 *
 * | Python            | here                                      |
 * |-------------------|-------------------------------------------|
 * | None, bool        | null, boolean                             |
 * | int               | number (safe range) or bigint (beyond)    |
 * | float, str        | number, string                            |
 * | bytes, bytearray  | Uint8Array                                |
 * | list              | array                                     |
 * | tuple             | frozen array (`Object.isFrozen`)          |
 * | dict              | Map (keys any PyValue; `__proto__` safe)  |
 * | set, frozenset    | Set                                       |
 * | numpy.ndarray     | NdArray (src/numpy), a PyNative           |
 * | numpy.dtype       | DType (src/numpy), a PyNative             |
 * | any other object  | PyObject: `className`, `args`, `state`    |
 * | a class/function  | PyGlobal (an allowed name used as a value) |
 */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly PyValue[]
  | Map<PyValue, PyValue>
  | Set<PyValue>
  | PyNative
  | PyObject
  | PyGlobal;

/**
 * A value a builder made with a class of its own (numpy's NdArray and DType). The machine keeps it
 * opaque, so the pickle layer does not depend on the layers built on it.
 */
export abstract class PyNative {
  /** Makes the class nominal: a plain object or a string is never a PyNative. */
  protected declare readonly pyNativeBrand: true;
}

/** An instance of an allowed Python class, kept as data. */
export class PyObject {
  /** The BUILD state (usually the `__dict__` as a Map), or undefined when none was given. */
  state: PyValue | undefined = undefined;

  constructor(
    /** Full class path, `module.qualname`, e.g. `sklearn.ensemble._iforest.IsolationForest`. */
    readonly className: string,
    /** Arguments the pickle constructed it with (REDUCE / NEWOBJ), when any. */
    readonly args: readonly PyValue[] = [],
  ) {}

  /** The state as a `__dict__` Map; an empty Map when the state is not a dict. */
  dict(): Map<PyValue, PyValue> {
    return this.state instanceof Map ? this.state : new Map();
  }
}

/**
 * An allowed Python global used as a value, e.g. `dtype=numpy.float64` in an estimator's params or
 * the class argument of `numpy.core.multiarray._reconstruct`. It is a name, never a callable.
 */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  /** `module.qualname`, the key of the allowlist. */
  get path(): string {
    return `${this.module}.${this.name}`;
  }
}
