import { readdirSync } from 'node:fs';
import { loadModelFile } from '../../src/pickle';
import { NdArray } from '../../src/numpy/ndarray';
import { fixture, readJson, tagElement } from '../pickle/expected-values';

interface ExpectedArray {
  dtype: string;
  shape: number[];
  fortran: boolean;
  values: unknown[];
  names?: string[];
  fields?: Record<string, ExpectedArray>;
}

const expected = readJson<Record<string, ExpectedArray>>('arrays', 'arrays.json');
const files = readdirSync(fixture('arrays')).filter((f) => f !== 'arrays.json').sort();

function elements(array: NdArray): unknown[] {
  return array.toArray().map((v) => tagElement(array.dtype, v));
}

describe('ndarrays equal numpy bit for bit, in every protocol and joblib container', () => {
  it('has a fixture per protocol 0-5 and per joblib compression', () => {
    expect(files).toEqual(
      expect.arrayContaining([0, 1, 2, 3, 4, 5].map((p) => `arrays-p${p}.pkl`).concat(['arrays.joblib', 'arrays.joblib.z', 'arrays.joblib.gz', 'arrays.joblib.bz2', 'arrays.joblib.xz', 'arrays.joblib.lzma'])),
    );
  });

  describe.each(files)('%s', (file) => {
    const loaded = loadModelFile(fixture('arrays', file)) as Map<string, NdArray>;

    it.each(Object.keys(expected))('%s', (name) => {
      const want = expected[name];
      const array = loaded.get(name) as NdArray;
      expect(array).toBeInstanceOf(NdArray);
      expect(array.shape).toEqual(want.shape);
      expect(array.size).toBe(want.shape.reduce((a, b) => a * b, 1));
      expect(array.fortranOrder).toBe(want.fortran);
      if (want.fields === undefined) {
        expect(array.dtype.str).toBe(want.dtype);
        expect(elements(array)).toEqual(want.values);
      } else {
        expect(array.dtype.names).toEqual(want.names);
        expect(elements(array)).toEqual(want.values);
        for (const [field, fieldWant] of Object.entries(want.fields)) {
          const view = array.field(field);
          expect(view.shape).toEqual(fieldWant.shape);
          expect(elements(view)).toEqual(fieldWant.values);
        }
      }
    });
  });
});
