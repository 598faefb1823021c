import { pyInt } from '../pickle/decode';
import type { PyValue } from '../pickle/python-value';
import type { DType } from './dtype';
import { NumpyConversionError, NumpyFormatError } from './errors';

/** One element as JavaScript: what `NdArray.toArray()` yields per item. */
export type ElementValue = number | bigint | boolean | string | Uint8Array | readonly number[] | Map<string, unknown> | unknown[] | PyValue;

/** Reads the element at a byte offset. */
export type ElementReader = (view: DataView, offset: number) => ElementValue;
/** Reads the element at a byte offset as float64. */
export type FloatReader = (view: DataView, offset: number) => number;

const LATIN1 = new TextDecoder('latin1');

/** IEEE 754 half precision to float64, exactly (numpy `npy_half_to_double`). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function int64Float(value: bigint, dtype: DType): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new NumpyConversionError(`${dtype.str} value ${value} is beyond 2^53 and cannot be a float64 exactly; use toArray() for bigint values`);
  }
  return Number(value);
}

/**
 * int64 -> float64 from two 32-bit halves, without allocating a BigInt per element (tree arrays
 * hold hundreds of thousands of them). `hi * 2^32 + lo` is exact while |value| <= 2^53 - 1; beyond
 * that the BigInt path runs only to throw its error.
 */
function int64Reader(le: boolean, dtype: DType): FloatReader {
  const [loAt, hiAt] = le ? [0, 4] : [4, 0];
  return (v, o) => {
    const lo = v.getUint32(o + loAt, le);
    const hi = v.getInt32(o + hiAt, le);
    if (hi > 0x1fffff || hi < -0x200000 || (hi === -0x200000 && lo === 0)) return int64Float(v.getBigInt64(o, le), dtype);
    return hi * 4294967296 + lo;
  };
}

function uint64Reader(le: boolean, dtype: DType): FloatReader {
  const [loAt, hiAt] = le ? [0, 4] : [4, 0];
  return (v, o) => {
    const hi = v.getUint32(o + hiAt, le);
    if (hi > 0x1fffff) return int64Float(v.getBigUint64(o, le), dtype);
    return hi * 4294967296 + v.getUint32(o + loAt, le);
  };
}

/** float64 reader for numeric and bool dtypes; throws NumpyConversionError for the rest. */
export function floatReader(dtype: DType): FloatReader {
  const le = dtype.littleEndian;
  const key = `${dtype.kind}${dtype.itemsize}`;
  switch (key) {
    case 'b1': return (v, o) => (v.getUint8(o) !== 0 ? 1 : 0);
    case 'i1': return (v, o) => v.getInt8(o);
    case 'u1': return (v, o) => v.getUint8(o);
    case 'i2': return (v, o) => v.getInt16(o, le);
    case 'u2': return (v, o) => v.getUint16(o, le);
    case 'i4': return (v, o) => v.getInt32(o, le);
    case 'u4': return (v, o) => v.getUint32(o, le);
    case 'i8': return int64Reader(le, dtype);
    case 'u8': return uint64Reader(le, dtype);
    case 'f2': return (v, o) => halfToFloat(v.getUint16(o, le));
    case 'f4': return (v, o) => v.getFloat32(o, le);
    case 'f8': return (v, o) => v.getFloat64(o, le);
    default:
      throw new NumpyConversionError(`a ${dtype.str} array cannot be converted to float64; use toArray()`);
  }
}

/** Element reader for every dtype stored as bytes (not object arrays). */
export function elementReader(dtype: DType): ElementReader {
  const le = dtype.littleEndian;
  const size = dtype.itemsize;
  if (dtype.fields !== undefined) {
    const parts = [...dtype.fields].map(([name, f]) => [name, f.offset, subarrayReader(f.dtype)] as const);
    return (v, o) => new Map(parts.map(([name, off, read]) => [name, read(v, o + off)]));
  }
  if (dtype.subarray !== undefined) return subarrayReader(dtype);
  switch (dtype.kind) {
    case 'i':
    case 'u':
    case 'M':
    case 'm':
      if (size === 8) {
        const signed = dtype.kind !== 'u';
        return (v, o) => pyInt(signed ? v.getBigInt64(o, le) : v.getBigUint64(o, le));
      }
      return floatReader(dtype);
    case 'b':
      return (v, o) => v.getUint8(o) !== 0;
    case 'f':
      return floatReader(dtype);
    case 'c': {
      const half = size / 2;
      return (v, o) =>
        Object.freeze(half === 8 ? [v.getFloat64(o, le), v.getFloat64(o + 8, le)] : [v.getFloat32(o, le), v.getFloat32(o + 4, le)]);
    }
    case 'U':
      return (v, o) => {
        let end = size / 4;
        while (end > 0 && v.getUint32(o + (end - 1) * 4, le) === 0) end--;
        let out = '';
        for (let i = 0; i < end; i++) {
          const code = v.getUint32(o + i * 4, le);
          if (code > 0x10ffff) throw new NumpyFormatError(`unicode array holds an invalid code point 0x${code.toString(16)}`);
          out += String.fromCodePoint(code);
        }
        return out;
      };
    case 'S':
      return (v, o) => {
        let end = size;
        while (end > 0 && v.getUint8(o + end - 1) === 0) end--;
        return LATIN1.decode(new Uint8Array(v.buffer, v.byteOffset + o, end));
      };
    case 'V':
      return (v, o) => new Uint8Array(v.buffer.slice(v.byteOffset + o, v.byteOffset + o + size));
    default:
      throw new NumpyConversionError(`${dtype.str} items are Python objects, not bytes`);
  }
}

/** A field whose dtype is a subarray (`('<f4', (2,))`) reads as a flat list of its base items. */
function subarrayReader(dtype: DType): ElementReader {
  const sub = dtype.subarray;
  if (sub === undefined) return elementReader(dtype);
  const count = sub.shape.reduce((a, b) => a * b, 1);
  const read = elementReader(sub.base);
  const step = sub.base.itemsize;
  return (v, o) => Array.from({ length: count }, (_, i) => read(v, o + i * step));
}
