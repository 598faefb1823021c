/** What every value of a v2 pairs field must be. */
export type PairValueKind = 'string' | 'finite-number';

const EXPECTED: Record<PairValueKind, string> = {
  string: 'must be a JSON string',
  'finite-number': 'must be a finite JSON number (a CRS score, e.g. 5)',
};

/**
 * The first pair of `value` whose value is not of `kind`, described as `"name" must be ..., got X`;
 * `undefined` when every pair is fine. Names are quoted as JSON, so attacker text stays one token.
 */
export function describeBadPair(value: unknown, kind: PairValueKind): string | undefined {
  if (!Array.isArray(value)) return 'must be a JSON object';
  for (const pair of value as Array<[string, unknown]>) {
    const item = pair[1];
    const ok = kind === 'string' ? typeof item === 'string' : typeof item === 'number' && Number.isFinite(item);
    if (!ok) {
      const got = typeof item === 'number' ? String(item) : JSON.stringify(item).slice(0, 80);
      return `${JSON.stringify(pair[0]).slice(0, 120)} ${EXPECTED[kind]}, got ${got}`;
    }
  }
  return undefined;
}
