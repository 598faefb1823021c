import { DType } from '../../src/numpy/dtype';
import { NdArray } from '../../src/numpy/ndarray';
import { halfToFloat } from '../../src/numpy/elements';
import { scalar } from '../../src/numpy/reconstruct';

const le = (values: number[], bytesPer: number, write: (v: DataView, o: number, x: number) => void): Uint8Array => {
  const view = new DataView(new ArrayBuffer(values.length * bytesPer));
  values.forEach((x, i) => write(view, i * bytesPer, x));
  return new Uint8Array(view.buffer);
};

describe('NdArray conversions', () => {
  it('toFloat64 of int64 beyond 2^53 throws NUMPY_CONVERSION; toArray gives bigint', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, 2n ** 60n, true);
    const array = NdArray.fromBytes(DType.fromCode('<i8'), [1], bytes);
    expect(() => array.toFloat64()).toThrow(expect.objectContaining({ code: 'NUMPY_CONVERSION' }));
    expect(array.toArray()).toEqual([2n ** 60n]);
  });

  it('strings, objects and complex cannot become float64', () => {
    expect(() => NdArray.fromBytes(DType.fromCode('S2'), [1], new Uint8Array(2)).toFloat64()).toThrow(expect.objectContaining({ code: 'NUMPY_CONVERSION' }));
    expect(() => NdArray.fromObjects(DType.fromCode('O8'), [1], ['x']).toFloat64()).toThrow(expect.objectContaining({ code: 'NUMPY_CONVERSION' }));
    expect(() => NdArray.fromBytes(DType.fromCode('c16'), [1], new Uint8Array(16)).toFloat64()).toThrow(expect.objectContaining({ code: 'NUMPY_CONVERSION' }));
  });

  it('field() of a missing name lists the fields; of a plain dtype says it is not structured', () => {
    const array = NdArray.fromBytes(DType.fromCode('<f8'), [0], new Uint8Array(0));
    expect(() => array.field('threshold')).toThrow(/not structured/);
  });

  it('0-d arrays have size 1 and one element', () => {
    const array = NdArray.fromBytes(DType.fromCode('<f4'), [], le([0.5], 4, (v, o, x) => v.setFloat32(o, x, true)));
    expect(array.size).toBe(1);
    expect(Array.from(array.toFloat64())).toEqual([0.5]);
  });

  it('Fortran-ordered data comes out in C order', () => {
    // numpy.asfortranarray([[1, 2, 3], [4, 5, 6]]) stores 1 4 2 5 3 6
    const array = NdArray.fromBytes(DType.fromCode('<i2'), [2, 3], le([1, 4, 2, 5, 3, 6], 2, (v, o, x) => v.setInt16(o, x, true)), true);
    expect(Array.from(array.toFloat64())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(array.fortranOrder).toBe(true);
  });

  it('data of the wrong length is NUMPY_FORMAT', () => {
    expect(() => NdArray.fromBytes(DType.fromCode('<f8'), [2], new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'NUMPY_FORMAT' }));
    expect(() => NdArray.fromObjects(DType.fromCode('O8'), [2], [1])).toThrow(expect.objectContaining({ code: 'NUMPY_FORMAT' }));
  });

  it('half floats decode exactly, subnormals and specials included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('numpy scalars need exactly itemsize bytes', () => {
    expect(scalar([DType.fromCode('<f8'), new Uint8Array(8)])).toBe(0);
    expect(() => scalar([DType.fromCode('<f8'), new Uint8Array(4)])).toThrow(expect.objectContaining({ code: 'NUMPY_FORMAT' }));
  });
});
