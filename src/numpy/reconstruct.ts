import type { UnpickleContext } from '../pickle/protocol';
import { PyGlobal, PyObject, type PyValue } from '../pickle/python-value';
import { claimArray } from './array-budget';
import { DType } from './dtype';
import { elementReader } from './elements';
import { NumpyFormatError } from './errors';
import { NdArray, toBytes, toShape } from './ndarray';

/**
 * Builders for the numpy globals a pickle may name (listed, with reasons, in src/pickle/globals.ts).
 * They follow numpy 1.24's pickling: `ndarray.__reduce_ex__` in
 * `numpy/core/src/multiarray/methods.c` and `numpy/core/numeric.py` (`_frombuffer`).
 */

/** `numpy.core.multiarray._reconstruct(cls, shape, typecode)`: an empty array that BUILD fills. */
export function reconstruct(args: readonly PyValue[]): PyValue {
  const cls = args[0];
  if (!(cls instanceof PyGlobal) || !NDARRAY_CLASSES.has(cls.path.replace('numpy._core.', 'numpy.core.'))) {
    throw new NumpyFormatError(`_reconstruct of ${cls instanceof PyGlobal ? cls.path : 'a non-class'} is not supported; only numpy.ndarray`);
  }
  return NdArray.placeholder();
}

const NDARRAY_CLASSES: ReadonlySet<string> = new Set(['numpy.ndarray', 'numpy.core.memmap.memmap', 'numpy.memmap']);

/** `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)`: protocol-5 arrays. */
export function frombuffer(args: readonly PyValue[], ctx: UnpickleContext): PyValue {
  const [buffer, dtype, shapeValue, order] = args;
  if (!(dtype instanceof DType)) throw new NumpyFormatError('_frombuffer needs a dtype');
  const shape = toShape(shapeValue);
  claimArray(ctx, shape, dtype);
  return NdArray.fromBytes(dtype, shape, toBytes(buffer), order === 'F');
}

/** `numpy.core.multiarray.scalar(dtype, data)`: a numpy scalar, as the plain JS value. */
export function scalar(args: readonly PyValue[]): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof DType)) throw new NumpyFormatError('numpy scalar needs a dtype');
  if (dtype.hasObject) return data ?? null;
  const bytes = toBytes(data);
  if (bytes.length !== dtype.itemsize) throw new NumpyFormatError(`numpy ${dtype.str} scalar needs ${dtype.itemsize} bytes, got ${bytes.length}`);
  return elementReader(dtype)(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0) as PyValue;
}

/** `numpy.dtype(code, align, copy)`. */
export function makeDType(args: readonly PyValue[]): PyValue {
  const code = args[0];
  if (typeof code !== 'string') throw new NumpyFormatError('numpy.dtype needs a type code string');
  return DType.fromCode(code);
}

/**
 * `numpy.random._pickle.__randomstate_ctor(bit_generator_name[, bit_generator_ctor])` and friends:
 * the generator is kept as data (a PyObject whose BUILD state holds the MT19937 key and position).
 */
export function randomObject(className: string): (args: readonly PyValue[]) => PyValue {
  return (args) => new PyObject(className, args);
}
