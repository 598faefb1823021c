import type { Decision } from '../adapter/model-adapter';

/** HTTP status of a decision: the Lua client blocks on 401 and passes on 200. */
export function statusOf(decision: Decision): 200 | 401 {
  return decision.anomaly ? 401 : 200;
}

/**
 * The response body: `score=<number>`. The Lua client stores the body with `m.setvar`, and
 * ModSecurity reads a value starting with `-` or `+` as a decrement or increment (`-0.35` would be
 * stored as `0`), so the body must not start with a sign. The number is JavaScript's shortest
 * round-trip form, the same digits Python's `repr(float)` prints.
 */
export function bodyOf(decision: Decision): string {
  return `score=${formatScore(decision.score)}`;
}

function formatScore(score: number): string {
  if (Number.isNaN(score)) return 'nan';
  if (!Number.isFinite(score)) return score > 0 ? 'inf' : '-inf';
  return String(score);
}
