// Registers jest tests. Declared here rather than taken from @types/jest, so that `npm run bench`
// (which compiles test/e2e/support for bench/waf.bench.ts, without jest's types) compiles cleanly.
declare const test: { (name: string, fn: () => void): void; skip(name: string, fn: () => void): void };

/**
 * Registers why part of the suite cannot run here: a skip with its reason on a developer's machine,
 * a failing test where the part is required (CI), so CI can never pass by skipping it.
 */
export function cannotRun(what: string, reason: string, required: boolean): void {
  if (required) {
    test(`${what}: end-to-end prerequisites`, () => {
      throw new Error(`cannot run ${what}: ${reason}`);
    });
  } else {
    test.skip(`${what} skipped: ${reason}`, () => undefined);
  }
}

