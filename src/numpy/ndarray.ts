import { PICKLE_BUILD, PICKLE_CHILDREN, type Buildable, type HasChildren, type UnpickleContext } from '../pickle/protocol';
import { PyNative, type PyValue } from '../pickle/python-value';
import { latin1Bytes } from '../pickle/decode';
import { claimArray } from './array-budget';
import { DType } from './dtype';
import { elementReader, floatReader, type ElementValue } from './elements';
import { NumpyConversionError, NumpyFormatError } from './errors';

/**
 * A numpy ndarray read from a pickle: dtype, shape, and the raw bytes in numpy's own layout (C or
 * Fortran order, either byte order). Nothing is converted until asked: `toFloat64()` and
 * `toArray()` return the elements in C (row-major) order whatever the stored order is, and
 * `field()` views one field of a structured array at its byte offset, without copying.
 *
 * Object arrays (dtype `O`) keep their items as unpickled values, in C order as numpy pickles them.
 */
export class NdArray extends PyNative implements Buildable, HasChildren {
  private _dtype: DType;
  private _shape: readonly number[];
  private _fortran = false;
  private bytes: Uint8Array = new Uint8Array(0);
  private objects: readonly PyValue[] | undefined;
  /** Byte offset of element 0 and byte strides per axis, as numpy's. */
  private offset = 0;
  private strides: readonly number[];

  private constructor(dtype: DType, shape: readonly number[]) {
    super();
    this._dtype = dtype;
    this._shape = Object.freeze([...shape]);
    this.strides = contiguousStrides(shape, dtype.itemsize, false);
  }

  /** An empty placeholder that a BUILD fills in (numpy's `_reconstruct(ndarray, (0,), b'b')`). */
  static placeholder(): NdArray {
    return new NdArray(DType.fromCode('u1'), [0]);
  }

  /**
   * An array over `bytes` laid out contiguously in C or Fortran order. Checks the byte count;
   * the caller has already claimed the elements against the load's limits.
   */
  static fromBytes(dtype: DType, shape: readonly number[], bytes: Uint8Array, fortranOrder = false): NdArray {
    const array = new NdArray(dtype, shape);
    const expected = array.size * dtype.itemsize;
    if (bytes.length !== expected) {
      throw new NumpyFormatError(`ndarray ${dtype.str}[${shape.join(',')}] needs ${expected} data bytes, the pickle has ${bytes.length}`);
    }
    array.bytes = bytes;
    array._fortran = fortranOrder && shape.length > 1;
    array.strides = contiguousStrides(shape, dtype.itemsize, array._fortran);
    return array;
  }

  /** An object-dtype array; `items` are in C order (numpy pickles object arrays as a flat list). */
  static fromObjects(dtype: DType, shape: readonly number[], items: readonly PyValue[], fortranOrder = false): NdArray {
    const array = new NdArray(dtype, shape);
    if (items.length !== array.size) {
      throw new NumpyFormatError(`object ndarray of shape [${shape.join(',')}] needs ${array.size} items, the pickle has ${items.length}`);
    }
    array.objects = items;
    array._fortran = fortranOrder && shape.length > 1;
    return array;
  }

  get dtype(): DType {
    return this._dtype;
  }

  get shape(): readonly number[] {
    return this._shape;
  }

  /** Product of the shape; 1 for a 0-d array. */
  get size(): number {
    return this._shape.reduce((a, b) => a * b, 1);
  }

  get ndim(): number {
    return this._shape.length;
  }

  /** True when numpy stored the data in Fortran (column-major) order. */
  get fortranOrder(): boolean {
    return this._fortran;
  }

  /** All elements in C order as float64; numeric and bool dtypes only (NumpyConversionError otherwise). */
  toFloat64(): Float64Array {
    if (this.objects !== undefined) throw new NumpyConversionError('an object ndarray cannot be converted to float64; use toArray()');
    const out = new Float64Array(this.size);
    const dtype = this._dtype;
    if (dtype.kind === 'f' && dtype.itemsize === 8 && dtype.littleEndian && this.isCContiguous()) {
      const start = this.bytes.byteOffset + this.offset;
      out.set(new Float64Array(this.bytes.buffer.slice(start, start + out.length * 8)));
      return out;
    }
    const read = floatReader(dtype);
    const view = this.view();
    this.visit((byteOffset, i) => {
      out[i] = read(view, byteOffset);
    });
    return out;
  }

  /**
   * All elements in C order as JavaScript values: number (bigint beyond 2^53 for 64-bit ints),
   * boolean, string ('U' and 'S' kinds, trailing NULs stripped; 'S' as latin-1), `[re, im]` for
   * complex, a Map per item for structured dtypes, and the unpickled value for object arrays.
   */
  toArray(): ElementValue[] {
    if (this.objects !== undefined) return [...this.objects];
    const out: ElementValue[] = new Array(this.size);
    const read = elementReader(this._dtype);
    const view = this.view();
    this.visit((byteOffset, i) => {
      out[i] = read(view, byteOffset);
    });
    return out;
  }

  /** One field of a structured dtype as an array view of the same shape (a subarray field adds its axes). */
  field(name: string): NdArray {
    const field = this._dtype.fields?.get(name);
    if (field === undefined) {
      const known = this._dtype.names?.join(', ') ?? 'none: the dtype is not structured';
      throw new NumpyConversionError(`ndarray ${this._dtype} has no field "${name}" (fields: ${known})`);
    }
    if (this.objects !== undefined) throw new NumpyConversionError('fields of object-holding structured arrays are not supported');
    const sub = field.dtype.subarray;
    const base = sub?.base ?? field.dtype;
    const view = new NdArray(base, sub === undefined ? this._shape : [...this._shape, ...sub.shape]);
    view.bytes = this.bytes;
    view.offset = this.offset + field.offset;
    view._fortran = this._fortran;
    view.strides = sub === undefined ? this.strides : [...this.strides, ...contiguousStrides(sub.shape, base.itemsize, false)];
    return view;
  }

  /** e.g. `ndarray <f8 [3, 4]` */
  override toString(): string {
    return `ndarray ${this._dtype} [${this._shape.join(', ')}]${this._fortran ? ' (Fortran order)' : ''}`;
  }

  [PICKLE_CHILDREN](): Iterable<PyValue> {
    return this.objects ?? [];
  }

  /** BUILD after `_reconstruct`: `(version, shape, dtype, is_fortran, data)` (numpy `array_setstate`). */
  [PICKLE_BUILD](state: PyValue, ctx: UnpickleContext): PyValue {
    if (!Array.isArray(state)) throw new NumpyFormatError('ndarray state is not a tuple');
    const s = (state.length === 4 ? [1, ...state] : state) as PyValue[];
    if (s.length !== 5) throw new NumpyFormatError(`ndarray state has ${state.length} items, expected 5`);
    const [, shapeValue, dtype, fortran, data] = s;
    if (!(dtype instanceof DType)) throw new NumpyFormatError('ndarray state has no dtype');
    const shape = toShape(shapeValue);
    claimArray(ctx, shape, dtype);
    let built: NdArray;
    if (dtype.hasObject) {
      if (!Array.isArray(data)) throw new NumpyFormatError('object ndarray state data is not a list');
      built = NdArray.fromObjects(dtype, shape, data, fortran === true);
    } else {
      built = NdArray.fromBytes(dtype, shape, toBytes(data), fortran === true);
    }
    // Mutate in place: the memo may already hold this object (numpy pickles memoize before BUILD).
    Object.assign(this, built);
    return this;
  }

  private view(): DataView {
    return new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  private isCContiguous(): boolean {
    const c = contiguousStrides(this._shape, this._dtype.itemsize, false);
    return c.every((stride, axis) => stride === this.strides[axis] || this._shape[axis] <= 1);
  }

  /** Calls back with each element's byte offset, in C order. */
  private visit(callback: (byteOffset: number, index: number) => void): void {
    const n = this.size;
    if (n === 0) return;
    if (this.isCContiguous()) {
      const step = this._dtype.itemsize;
      for (let i = 0; i < n; i++) callback(this.offset + i * step, i);
      return;
    }
    const shape = this._shape;
    const strides = this.strides;
    const index = new Array<number>(shape.length).fill(0);
    let byteOffset = this.offset;
    for (let i = 0; i < n; i++) {
      callback(byteOffset, i);
      for (let axis = shape.length - 1; axis >= 0; axis--) {
        index[axis]++;
        byteOffset += strides[axis];
        if (index[axis] < shape[axis]) break;
        byteOffset -= strides[axis] * shape[axis];
        index[axis] = 0;
      }
    }
  }
}

/** Byte strides of a contiguous array in C or Fortran order. */
export function contiguousStrides(shape: readonly number[], itemsize: number, fortran: boolean): number[] {
  const strides = new Array<number>(shape.length);
  let step = itemsize;
  const axes = shape.map((_, i) => i);
  if (!fortran) axes.reverse();
  for (const axis of axes) {
    strides[axis] = step;
    step *= Math.max(shape[axis], 1);
  }
  return strides;
}

/** A shape tuple from a pickle (an int alone means a 1-d shape). */
export function toShape(value: PyValue | undefined): number[] {
  const dims = Array.isArray(value) ? value : [value];
  return dims.map((d) => {
    if (typeof d === 'bigint') return Number.MAX_SAFE_INTEGER; // refused by claimArray with a clear message
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new NumpyFormatError(`ndarray shape ${String(d)} is not a non-negative integer`);
    return d;
  });
}

/** Array data as bytes: `bytes`, `bytearray`, or a py2-style latin-1 string. */
export function toBytes(data: PyValue | undefined): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') {
    const bytes = latin1Bytes(data);
    if (bytes !== undefined) return bytes;
  }
  throw new NumpyFormatError('ndarray data is not bytes');
}
