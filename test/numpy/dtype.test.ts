import { DType } from '../../src/numpy/dtype';
import { PICKLE_BUILD } from '../../src/pickle/protocol';


describe('DType', () => {
  it.each([
    ['f8', 'f', 8, '<f8'], ['<i4', 'i', 4, '<i4'], ['>u2', 'u', 2, '>u2'], ['b1', 'b', 1, '|b1'], ['U9', 'U', 36, '<U9'],
    ['S3', 'S', 3, '|S3'], ['O8', 'O', 8, '|O'], ['V16', 'V', 16, '|V16'], ['c16', 'c', 16, '<c16'], ['M8', 'M', 8, '<M8'], ['f2', 'f', 2, '<f2'],
  ])('fromCode(%s)', (code, kind, itemsize, str) => {
    const dtype = DType.fromCode(code);
    expect({ kind: dtype.kind, itemsize: dtype.itemsize, str: dtype.str }).toEqual({ kind, itemsize, str });
  });

  it.each(['q9', 'f3', 'i16', 'x', '', 'f8; drop'])('fromCode(%s) throws NUMPY_FORMAT', (code) => {
    expect(() => DType.fromCode(code)).toThrow(expect.objectContaining({ code: 'NUMPY_FORMAT' }));
  });

  it('BUILD sets byte order, flexible size, fields at offsets, datetime unit', () => {
    const f8 = DType.fromCode('f8');
    f8[PICKLE_BUILD](Object.freeze([3, '>', null, null, null, -1, -1, 0]));
    expect(f8.str).toBe('>f8');
    const v = DType.fromCode('V12');
    const i4 = DType.fromCode('<i4');
    v[PICKLE_BUILD](Object.freeze([3, '|', null, Object.freeze(['a', 'b']), new Map([['a', Object.freeze([i4, 0])], ['b', Object.freeze([f8, 4])]]), 12, 1, 16]));
    expect(v.names).toEqual(['a', 'b']);
    expect(v.fields?.get('b')?.offset).toBe(4);
    const m = DType.fromCode('M8');
    m[PICKLE_BUILD](Object.freeze([4, '<', null, null, null, -1, -1, 0, Object.freeze([new Map(), Object.freeze([new Uint8Array([110, 115]), 1, 1, 1])])]));
    expect(m.str).toBe('<M8[ns]');
  });

  it('BUILD refuses a field that overflows its item and a bad byte order', () => {
    const v = DType.fromCode('V4');
    const f8 = DType.fromCode('f8');
    expect(() => v[PICKLE_BUILD](Object.freeze([3, '|', null, Object.freeze(['a']), new Map([['a', Object.freeze([f8, 0])]]), 4, 1, 16]))).toThrow(
      expect.objectContaining({ code: 'NUMPY_FORMAT' }),
    );
    expect(() => DType.fromCode('f8')[PICKLE_BUILD](Object.freeze([3, '!', null, null, null, -1, -1, 0]))).toThrow(
      expect.objectContaining({ code: 'NUMPY_FORMAT' }),
    );
  });
});
