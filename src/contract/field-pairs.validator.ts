import { registerDecorator, type ValidationOptions } from 'class-validator';

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

/**
 * class-validator rule for an ordered `[name, value]` list (a v2 `headers`, `cookies` or `crs`
 * field): every value must be of `kind`. The message names the offending pair and its value.
 */
export function IsFieldPairs(kind: PairValueKind, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: `isFieldPairs:${kind}`,
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => describeBadPair(value, kind) === undefined,
        defaultMessage: (args) => describeBadPair(args?.value, kind) ?? EXPECTED[kind],
      },
    });
  };
}
