import { readFileSync } from 'node:fs';
import { loadModelFile, loadPickle, NdArray, PyGlobal, PyObject } from '../../src/pickle';
import { DType } from '../../src/numpy/dtype';
import { fhex, fixture, readJson, tag, tagElement } from './expected-values';

const values = readJson<{ dict: [string, unknown][] }>('values', 'values.json');

describe('plain Python values in protocols 0-5', () => {
  it.each([0, 1, 2, 3, 4, 5])('protocol %i equals what Python pickled', (protocol) => {
    const loaded = loadModelFile(fixture('values', `values-p${protocol}.pkl`));
    expect(loaded).toBeInstanceOf(Map);
    // The fixture has no integral floats outside arrays (they would read back as ints, as in JSON).
    const tagged = tag(loaded) as { dict: [string, unknown][] };
    for (const [i, [key, value]] of values.dict.entries()) {
      expect([key, tagged.dict[i][1]]).toEqual([key, value]);
    }
    expect(tagged.dict).toHaveLength(values.dict.length);
  });

  it('keeps dict keys such as __proto__ as Map keys, never object properties', () => {
    const loaded = loadModelFile(fixture('values', 'values-p4.pkl')) as Map<string, Map<unknown, unknown>>;
    const dict = loaded.get('dict') as Map<unknown, unknown>;
    expect(dict.get('__proto__')).toBe('not a prototype');
    expect(Object.getPrototypeOf(dict)).toBe(Map.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('tuples are frozen arrays, lists are not; shared references stay shared', () => {
    const loaded = loadModelFile(fixture('values', 'values-p2.pkl')) as Map<string, unknown>;
    expect(Object.isFrozen(loaded.get('tuple'))).toBe(true);
    expect(Object.isFrozen(loaded.get('ints'))).toBe(false);
    const shared = loaded.get('shared') as unknown[];
    expect(shared[0]).toBe(shared[1]);
  });

  it('ints beyond 2^53 are bigint, within are number', () => {
    const loaded = loadModelFile(fixture('values', 'values-p1.pkl')) as Map<string, unknown[]>;
    const ints = loaded.get('ints') as unknown[];
    expect(ints).toContain(2 ** 31);
    expect(ints).toContain(2n ** 53n); // MAX_SAFE_INTEGER is 2^53 - 1
    expect(ints).toContain(2n ** 70n);
    expect(ints).toContain(-(2n ** 70n));
    expect(ints).toContain(-(2n ** 53n) - 1n);
  });
});

describe('numpy scalars and dtypes', () => {
  const expected = readJson<{ scalars: Record<string, unknown>; dtypes: Record<string, { str: string; itemsize: number; kind: string; names: string[] }> }>(
    'values',
    'numpy-values.json',
  );

  it.each([0, 2, 4, 5])('protocol %i', (protocol) => {
    const loaded = loadModelFile(fixture('values', `numpy-values-p${protocol}.pkl`)) as Map<string, Map<string, unknown>>;
    const scalars = loaded.get('scalars') as Map<string, unknown>;
    for (const [name, want] of Object.entries(expected.scalars)) {
      const code = new Map([['U', '<U2'], ['S', '|S2'], ['b', '|b1']]).get(name) ?? `<${name === 'nan' ? 'f8' : name}`;
      expect([name, tagElement(DType.fromCode(code), scalars.get(name))]).toEqual([name, want]);
    }
    const dtypes = loaded.get('dtypes') as Map<string, DType>;
    for (const [name, want] of Object.entries(expected.dtypes)) {
      const dtype = dtypes.get(name) as DType;
      expect(dtype).toBeInstanceOf(DType);
      expect({ str: dtype.str, itemsize: dtype.itemsize, kind: dtype.kind, names: dtype.names ?? [] }).toEqual(want);
    }
  });

  it('numpy.random.RandomState keeps its MT19937 state as data', () => {
    const want = readJson<{ bit_generator: string; key_first: string[]; pos: number }>('values', 'random-state.json');
    const rs = loadModelFile(fixture('values', 'random-state.pkl')) as PyObject;
    expect(rs.className).toBe('numpy.random.mtrand.RandomState');
    const inner = rs.dict().get('state') as Map<string, unknown>;
    expect(rs.dict().get('bit_generator')).toBe(want.bit_generator);
    const key = inner.get('key') as { toArray(): unknown[] };
    expect(key.toArray().slice(0, 4).map(String)).toEqual(want.key_first);
    expect(inner.get('pos')).toBe(want.pos);
    expect(rs.args[1]).toBeInstanceOf(PyGlobal);
  });
});

it('scipy csr and csc matrices keep data, indices, indptr and shape', () => {
  const want = readJson<Record<string, { class: string; shape: number[]; data: string[]; indices: string[]; indptr: string[] }>>('values', 'sparse.json');
  const loaded = loadModelFile(fixture('values', 'sparse.pkl')) as Map<string, PyObject>;
  for (const [name, w] of Object.entries(want)) {
    const m = loaded.get(name) as PyObject;
    expect(m.className).toBe(w.class);
    const s = m.dict();
    expect(s.get('_shape')).toEqual(w.shape);
    expect(Array.from((s.get('data') as NdArray).toFloat64(), fhex)).toEqual(w.data);
    expect((s.get('indices') as NdArray).toArray().map(String)).toEqual(w.indices);
    expect((s.get('indptr') as NdArray).toArray().map(String)).toEqual(w.indptr);
  }
});

describe('opcode details', () => {
  const p = (...parts: (string | number[])[]): Uint8Array =>
    Buffer.concat(parts.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))));

  it('LONG1 is signed two\'s complement', () => {
    expect(loadPickle(p([0x80, 2, 0x8a, 1, 0xff], '.'))).toBe(-1);
    expect(loadPickle(p([0x80, 2, 0x8a, 2, 0x00, 0x80], '.'))).toBe(-32768);
    expect(loadPickle(p([0x80, 2, 0x8a, 2, 0xff, 0x00], '.'))).toBe(255);
    expect(loadPickle(p([0x80, 2, 0x8a, 0], '.'))).toBe(0);
  });

  it('protocol-0 text opcodes: INT bools, LONG suffix, FLOAT nan/inf, escaped STRING and UNICODE', () => {
    expect(loadPickle(p('I01\n.'))).toBe(true);
    expect(loadPickle(p('L12345678901234567890L\n.'))).toBe(12345678901234567890n);
    expect(loadPickle(p('Finf\n.'))).toBe(Infinity);
    expect(loadPickle(p('F-inf\n.'))).toBe(-Infinity);
    expect(loadPickle(p('Fnan\n.'))).toBeNaN();
    expect(loadPickle(p("S'a\\nb\\x41\\'c'\n."))).toBe("a\nbA'c");
    expect(loadPickle(p('Vcaf\xe9 \\u005c \\U0001f600\n.'))).toBe('café \\ 😀');
  });

  it('a BUILD state of (dict, slots) merges both into the object state', () => {
    const bytes = p([0x80, 2], 'csklearn.x\nY\n)\x81', '}U\x01aK\x01s}U\x01bK\x02s\x86b.');
    const obj = loadPickle(bytes) as PyObject;
    expect([...obj.dict()]).toEqual([['a', 1], ['b', 2]]);
  });
});

it('reads bytes given as a Buffer slice of a larger buffer', () => {
  const file = readFileSync(fixture('values', 'values-p4.pkl'));
  const padded = Buffer.concat([Buffer.alloc(7), file]).subarray(7);
  expect(loadPickle(padded)).toBeInstanceOf(Map);
});
