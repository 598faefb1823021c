import { OipRequestError } from '../../src/oip/errors';
import { flattenTensor, tensorRows } from '../../src/oip/tensor';

describe('flattenTensor', () => {
  it('returns flat data as it is, without a copy, once every element is checked', () => {
    const data = [1, 2.5, 3, 4, 5, 6];
    expect(flattenTensor<number>('features', 'FP64', [2, 3], data)).toBe(data);
  });

  it('takes a Float64Array (the parsing thread packs big flat batches so) as flat data, each element checked', () => {
    const data = Float64Array.from([1, 2, 3, 4]);
    expect(flattenTensor<number>('features', 'FP64', [2, 2], data)).toBe(data);
    expect(() => flattenTensor('features', 'FP64', [2, 3], data)).toThrow(/needs 6 elements, the data holds 4/);
    expect(() => flattenTensor('request', 'BYTES', [4], data)).toThrow(/element 0 must be a string for datatype BYTES, got 1/);
    expect(() => flattenTensor('x', 'INT32', [2], Float64Array.from([1, 2.5]))).toThrow(/element 1 must be an integer/);
  });

  it('flattens nested data in row-major order', () => {
    expect(flattenTensor<number>('features', 'FP64', [2, 3], [[1, 2, 3], [4, 5, 6]])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(flattenTensor<string>('request', 'BYTES', [2, 1], [['a'], ['b']])).toEqual(['a', 'b']);
  });

  it.each([
    ['a wrong element in flat data, by its index', [1, 2, 'x', 4], [2, 2], /element 2 must be a finite number for datatype FP64, got "x"/],
    ['a wrong element in nested data, by its index', [[1, 2], [Infinity, 4]], [2, 2], /element 2 must be a finite number/],
    ['flat data too short', [1, 2, 3], [2, 2], /needs 4 elements, the data holds 3/],
    ['flat data too long', [1, 2, 3, 4, 5], [2, 2], /needs 4 elements, the data holds 5/],
    ['nested data too long', [[1, 2], [3, 4], [5, 6]], [2, 2], /needs 4 elements, the data holds 6/],
    ['data nested deeper than the shape', [[[1]], [[2]]], [2, 1], /nested deeper than its shape/],
    ['data that is not an array', { 0: 1 }, [1], /"data" must be an array/],
  ])('refuses %s', (_what, data, shape, message) => {
    expect(() => flattenTensor('features', 'FP64', shape, data)).toThrow(OipRequestError);
    expect(() => flattenTensor('features', 'FP64', shape, data)).toThrow(message);
  });
});

describe('tensorRows', () => {
  const flat = [0.1, 0.2, 0.3, 1e40, 5, 6];

  it('gives rows start..end of a flat row-major tensor, from an array or a Float64Array', () => {
    expect(tensorRows(flat, 2, 0, 3)).toEqual([[0.1, 0.2], [0.3, 1e40], [5, 6]]);
    expect(tensorRows(Float64Array.from(flat), 2, 1, 3)).toEqual([[0.3, 1e40], [5, 6]]);
    expect(tensorRows(flat, 2, 1, 2)).toEqual([[0.3, 1e40]]);
    expect(tensorRows(flat, 3, 1, 2)).toEqual([[1e40, 5, 6]]);
  });

  it('rounds FP32 rows exactly as a Float32Array does (overflow to Infinity included), leaving the input as it was', () => {
    const rows = tensorRows(flat, 3, 0, 2, true);
    expect(rows.flat()).toEqual(Array.from(Float32Array.from(flat)));
    expect(rows[0][0]).not.toBe(0.1);
    expect(flat[0]).toBe(0.1);
  });
});
