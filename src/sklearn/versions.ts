import type { PyValue } from '../pickle/python-value';

/**
 * scikit-learn versions as data. Where scikit-learn changed an estimator's pickled state or its
 * arithmetic between releases, that estimator keeps one small table of `{ since: '1.4', ... }`
 * entries and picks the entry for the file's `_sklearn_version` with {@link pickByVersion}: the
 * last entry whose `since` the file's version reaches. Files without `_sklearn_version` (written
 * before 0.18 added it) count as version 0.
 */

/** One row of a version table: the behaviour that holds from `since` ("1.4") until the next row. */
export interface SinceVersion {
  readonly since: string;
}

/**
 * `'1.4.2'` -> `[1, 4, 2]`; suffixes end a part (`'0.22.2.post1'` -> `[0, 22, 2]`,
 * `'1.6.dev0'` -> `[1, 6]`, `'1.5rc1'` -> `[1, 5]`). Undefined for text that does not start with a number.
 */
export function parseVersion(text: string): number[] | undefined {
  const parts: number[] = [];
  for (const piece of text.split('.')) {
    const digits = /^\d+/.exec(piece);
    if (digits === null) break;
    parts.push(Number(digits[0]));
    if (digits[0].length !== piece.length) break;
  }
  return parts.length === 0 ? undefined : parts;
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b` (missing parts are 0). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a) ?? [0];
  const y = parseVersion(b) ?? [0];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when the file's version (undefined: before 0.18) is `since` or newer. */
export function versionAtLeast(version: string | undefined, since: string): boolean {
  return compareVersions(version ?? '0', since) >= 0;
}

/**
 * The entry of `table` (sorted by `since`, oldest first, the first one `since: '0'`) that holds for
 * `version`.
 */
export function pickByVersion<T extends SinceVersion>(table: readonly T[], version: string | undefined): T {
  let picked = table[0];
  for (const entry of table) if (versionAtLeast(version, entry.since)) picked = entry;
  return picked;
}

/** `major.minor` of a version (`'1.4.2'` -> `'1.4'`), undefined when unparsable. */
export function minorOf(version: string | undefined): string | undefined {
  const parts = version === undefined ? undefined : parseVersion(version);
  return parts === undefined ? undefined : `${parts[0]}.${parts[1] ?? 0}`;
}

/** `_sklearn_version` of a pickled `__dict__`, falling back to the file's outer estimator's. */
export function stateVersion(state: ReadonlyMap<string, PyValue>, fallback: string | undefined): string | undefined {
  const own = state.get('_sklearn_version');
  return typeof own === 'string' ? own : fallback;
}
