import { loadModelFile, PickleGlobalNotAllowedError } from '../../src/pickle';
import { CrsMlError } from '../../src/errors';
import { fixture, readJson } from './expected-values';

/**
 * Hand-written hostile and broken files (generate.py writes them opcode by opcode and never
 * unpickles them). Each must fail fast, with little memory, and with its own specific code.
 */
const cases = readJson<Record<string, { code: string; note: string }>>('hostile', 'hostile.json');

function attempt(file: string): { error: unknown; ms: number; grewMB: number } {
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  let error: unknown;
  try {
    loadModelFile(fixture('hostile', file));
  } catch (e) {
    error = e;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const after = process.memoryUsage();
  const grewMB = (after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers)) / 2 ** 20;
  return { error, ms, grewMB };
}

describe('hostile files fail fast with their own error code', () => {
  it('covers every kind of attack the issue lists', () => {
    const codes = new Set(Object.values(cases).map((c) => c.code));
    for (const code of [
      'PICKLE_GLOBAL_NOT_ALLOWED', 'PICKLE_MEMO_LIMIT', 'PICKLE_STACK_LIMIT', 'PICKLE_EXPANSION_LIMIT', 'PICKLE_LENGTH_LIMIT',
      'PICKLE_ARRAY_LIMIT', 'PICKLE_TRUNCATED', 'PICKLE_EMPTY', 'PICKLE_UNKNOWN_OPCODE', 'PICKLE_SIZE_LIMIT',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it.each(Object.entries(cases))('%s -> %s', (file, { code }) => {
    const { error, ms, grewMB } = attempt(file);
    expect(error).toBeInstanceOf(CrsMlError);
    expect({ code: (error as CrsMlError).code, message: (error as Error).message }).toEqual({ code, message: expect.any(String) });
    // A hang guard, not a speed target (that is bench/pickle.bench.ts): generous for a loaded machine.
    expect(ms).toBeLessThan(10_000);
    expect(grewMB).toBeLessThan(100);
  });

  it('names the global, the opcode and the byte offset', () => {
    const { error } = attempt('os-system.pkl');
    expect(error).toBeInstanceOf(PickleGlobalNotAllowedError);
    expect((error as Error).message).toContain('Pickle global "os.system" is not allowed (GLOBAL at byte 2 of os-system.pkl)');
    const posix = attempt('posix-system.pkl').error as PickleGlobalNotAllowedError;
    expect(posix.globalName).toBe('posix.system');
    expect(posix.at).toEqual({ opcode: 'STACK_GLOBAL', offset: 17, source: 'posix-system.pkl' });
  });

  it('finds the payload hidden inside a genuine model and refuses the whole file', () => {
    const error = attempt('model-with-payload.pkl').error as PickleGlobalNotAllowedError;
    expect(error.globalName).toBe('os.system');
    expect(error.at.offset).toBeGreaterThan(1000); // deep inside the tree's state, after many allowed globals
  });

  it('refuses the first of __import__/getattr before building anything', () => {
    expect((attempt('import-getattr.pkl').error as PickleGlobalNotAllowedError).globalName).toBe('builtins.getattr');
    expect((attempt('import-only.pkl').error as PickleGlobalNotAllowedError).globalName).toBe('builtins.__import__');
  });
});
