import { DType } from '../../src/numpy/dtype';
import { NdArray } from '../../src/numpy/ndarray';

/** Writes bigint values as 8-byte integers and reads them back through toFloat64. */
function viaFloat64(code: '<i8' | '>i8' | '<u8' | '>u8', values: bigint[]): Float64Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  const little = code.startsWith('<');
  values.forEach((x, i) => (code.endsWith('i8') ? view.setBigInt64(i * 8, x, little) : view.setBigUint64(i * 8, x, little)));
  return NdArray.fromBytes(DType.fromCode(code), [values.length], new Uint8Array(view.buffer)).toFloat64();
}

const SAFE = 2n ** 53n - 1n;

describe('int64/uint64 to float64 (split-word fast path)', () => {
  it.each(['<i8', '>i8'] as const)('%s converts every value in the exact range, edges included', (code) => {
    const values = [0n, 1n, -1n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), -(2n ** 32n) - 1n, 123456789012345n, -987654321098765n, SAFE, -SAFE];
    expect(Array.from(viaFloat64(code, values))).toEqual(values.map(Number));
  });

  it.each(['<u8', '>u8'] as const)('%s converts every value in the exact range, edges included', (code) => {
    const values = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 52n + 12345n, SAFE];
    expect(Array.from(viaFloat64(code, values))).toEqual(values.map(Number));
  });

  it.each([
    ['<i8', SAFE + 1n],
    ['>i8', -SAFE - 1n],
    ['<i8', -(2n ** 63n)],
    ['<u8', SAFE + 1n],
    ['>u8', 2n ** 64n - 1n],
  ] as const)('%s refuses %s, which float64 cannot hold exactly', (code, value) => {
    expect(() => viaFloat64(code, [value])).toThrow(expect.objectContaining({ code: 'NUMPY_CONVERSION' }));
  });
});
