import type { StateReader } from '../state-reader';

/**
 * Shape checks for pickled state: a file whose arrays disagree (tampered, or from an unexpected
 * version) fails at load with EstimatorStateError naming the attribute, instead of producing NaN or
 * reading past an array at scoring time.
 */
export function expectLength(reader: StateReader, name: string, actual: number, expected: number): void {
  if (actual !== expected) throw reader.error(name, `holds ${actual} values, expected ${expected}`);
}

/** Every value is an integer index in [0, bound). */
export function expectIndices(reader: StateReader, name: string, values: ArrayLike<number>, bound: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v >= bound) throw reader.error(name, `value ${i} is ${v}, not an index below ${bound}`);
  }
}
