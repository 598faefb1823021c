import { readFileSync } from 'node:fs';
import { CrsMlError } from '../../src/errors';
import { loadModelBytes } from '../../src/pickle';
import { fixture } from './expected-values';

/**
 * Deterministic mutation fuzzing of real fixtures: whatever a corrupted file holds, loading it
 * either succeeds or throws a CrsMlError with a code — never a raw TypeError/RangeError, never slowly.
 */
const SOURCES = [
  ['models', 'iforest-10.pkl'], ['models', 'decision-tree-p0.pkl'], ['models', 'decision-tree-p1.pkl'], ['models', 'pipeline.joblib'],
  ['models', 'tfidf.pkl'], ['models', 'hgb.pkl'], ['models', 'grid-search.pkl'], ['models', 'kdtree.pkl'], ['arrays', 'arrays-p2.pkl'],
  ['arrays', 'arrays-p5.pkl'], ['arrays', 'arrays.joblib'], ['values', 'values-p0.pkl'], ['values', 'values-p4.pkl'],
].map(([dir, file]) => readFileSync(fixture(dir, file)));

function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

it('2,600 mutated fixtures fail only with coded errors, each fast', () => {
  const random = lcg(20261129);
  const strays: string[] = [];
  let slowest = 0;
  for (let i = 0; i < 2600; i++) {
    const bytes = Buffer.from(SOURCES[i % SOURCES.length]);
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = random() < 0.5 ? Math.floor(random() * 256) : bytes[at] ^ (1 << Math.floor(random() * 8));
    }
    const start = process.hrtime.bigint();
    try {
      loadModelBytes(bytes);
    } catch (error) {
      if (!(error instanceof CrsMlError)) strays.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
    slowest = Math.max(slowest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  expect(strays).toEqual([]);
  expect(slowest).toBeLessThan(1000);
});

it('every truncation of a real pickle is PICKLE_TRUNCATED or PICKLE_EMPTY', () => {
  const bytes = readFileSync(fixture('models', 'decision-tree-p2.pkl'));
  const codes = new Set<string>();
  for (let end = 0; end < bytes.length; end++) {
    try {
      loadModelBytes(bytes.subarray(0, end));
      codes.add('loaded');
    } catch (error) {
      codes.add((error as CrsMlError).code);
    }
  }
  expect([...codes].sort()).toEqual(['PICKLE_EMPTY', 'PICKLE_TRUNCATED']);
});
