import { readFileSync } from 'node:fs';
import { DEFAULT_PICKLE_LIMITS, loadModelBytes, loadModelFile, loadPickle, resolveLimits } from '../../src/pickle';
import { fixture } from './expected-values';

const iforest = readFileSync(fixture('models', 'iforest-10.pkl'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('PickleLimits', () => {
  it('defaults are frozen; overrides give a new frozen object', () => {
    expect(Object.isFrozen(DEFAULT_PICKLE_LIMITS)).toBe(true);
    const tight = resolveLimits({ maxOpcodes: 10 });
    expect(Object.isFrozen(tight)).toBe(true);
    expect(tight.maxOpcodes).toBe(10);
    expect(tight.maxMemoEntries).toBe(DEFAULT_PICKLE_LIMITS.maxMemoEntries);
    expect(DEFAULT_PICKLE_LIMITS.maxOpcodes).not.toBe(10);
  });

  it('rejects unknown names and non-positive or non-integer values', () => {
    expect(codeOf(() => resolveLimits({ maxBananas: 1 } as never))).toBe('USAGE');
    expect(codeOf(() => resolveLimits({ maxOpcodes: 0 }))).toBe('USAGE');
    expect(codeOf(() => resolveLimits({ maxOpcodes: 1.5 }))).toBe('USAGE');
  });

  it.each([
    ['maxOpcodes', 100, 'PICKLE_OPCODE_LIMIT'],
    ['maxMemoEntries', 5, 'PICKLE_MEMO_LIMIT'],
    ['maxStackDepth', 3, 'PICKLE_STACK_LIMIT'],
    ['maxMarkDepth', 2, 'PICKLE_STACK_LIMIT'],
    ['maxExpandedItems', 50, 'PICKLE_EXPANSION_LIMIT'],
    ['maxNestingDepth', 3, 'PICKLE_EXPANSION_LIMIT'],
    ['maxArrayElements', 10, 'PICKLE_ARRAY_LIMIT'],
    ['maxArrayBytes', 100, 'PICKLE_ARRAY_LIMIT'],
    ['maxDecompressedBytes', 1000, 'PICKLE_SIZE_LIMIT'],
  ] as const)('a real model fails with %s = %i (%s)', (limit, value, code) => {
    expect(codeOf(() => loadPickle(iforest, { limits: { [limit]: value } }))).toBe(code);
  });

  it('maxFileBytes is checked before reading the file', () => {
    expect(codeOf(() => loadModelFile(fixture('models', 'iforest-10.pkl'), { limits: { maxFileBytes: 1000 } }))).toBe('PICKLE_SIZE_LIMIT');
    expect(codeOf(() => loadModelBytes(iforest, { limits: { maxFileBytes: 1000 } }))).toBe('PICKLE_SIZE_LIMIT');
  });

  it('decompression obeys maxDecompressedBytes and maxCompressionRatio for every container', () => {
    for (const ext of ['z', 'gz', 'bz2', 'xz', 'lzma']) {
      const file = fixture('arrays', `arrays.joblib.${ext}`);
      expect([ext, codeOf(() => loadModelFile(file, { limits: { maxDecompressedBytes: 2000 } }))]).toEqual([ext, 'PICKLE_SIZE_LIMIT']);
      expect([ext, codeOf(() => loadModelFile(file))]).toEqual([ext, undefined]);
    }
    // a 64 MiB xz bomb passes the byte limit but not the ratio
    const error = (() => {
      try {
        loadModelFile(fixture('hostile', 'zip-bomb.xz'));
      } catch (e) {
        return e as { code: string; limit: string };
      }
      return undefined;
    })();
    expect(error).toMatchObject({ code: 'PICKLE_SIZE_LIMIT', limit: 'maxCompressionRatio' });
    expect(codeOf(() => loadModelFile(fixture('hostile', 'zip-bomb.xz'), { limits: { maxCompressionRatio: 100_000 } }))).toBe('PICKLE_UNKNOWN_OPCODE');
  });

  it('the real model loads under the defaults', () => {
    expect(codeOf(() => loadPickle(iforest))).toBeUndefined();
  });
});
