import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DType } from '../../src/numpy/dtype';
import { NdArray } from '../../src/numpy/ndarray';
import { PyGlobal, PyObject } from '../../src/pickle/python-value';

/** test/fixtures/pickle, where generate.py writes. */
export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'pickle');

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

export function readJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixture(...parts), 'utf8')) as T;
}

/** float64 as the hex of its big-endian bytes, as generate.py's fhex(). */
export function fhex(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, false);
  return Buffer.from(view.buffer).toString('hex');
}

/**
 * Any loaded value in generate.py's tagged JSON (`{"f": hex}`, `{"i": "123"}`, `{"tuple": []}`,
 * `{"set": [...]}` sorted, `{"dict": [[k, v]]}`), so values compare exactly with what Python wrote.
 */
export function tag(value: unknown): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? { i: String(value) } : { f: fhex(value) };
  if (typeof value === 'bigint') return { i: value.toString() };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return Object.isFrozen(value) ? { tuple: value.map(tag) } : value.map(tag);
  if (value instanceof Set) return { set: [...value].map(tag).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) };
  if (value instanceof Map) return { dict: [...value].map(([k, v]) => [tag(k), tag(v)]) };
  if (value instanceof PyObject) return { object: value.className, args: value.args.map(tag), state: tag(value.state ?? null) };
  if (value instanceof PyGlobal) return { global: value.path };
  if (value instanceof NdArray || value instanceof DType) return { numpy: String(value) };
  throw new Error(`cannot tag ${String(value)}`);
}

/** One ndarray element in arrays.json's encoding (see generate.py encode_item). */
export function tagElement(dtype: DType, value: unknown): unknown {
  if (dtype.fields !== undefined) {
    const map = value as Map<string, unknown>;
    return Object.fromEntries([...dtype.fields].map(([name, f]) => [name, tagElement(f.dtype, map.get(name))]));
  }
  if (dtype.subarray !== undefined) return (value as unknown[]).map((v) => tagElement(dtype.subarray!.base, v));
  switch (dtype.kind) {
    case 'f':
      return { f: fhex(value as number) };
    case 'i':
    case 'u':
    case 'M':
    case 'm':
      return { i: String(value) };
    case 'c':
      return { c: (value as number[]).map(fhex) };
    case 'O':
      return tag(value);
    default:
      return value;
  }
}
