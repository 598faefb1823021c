import * as classValidator from 'class-validator';
import { RequestValidationError } from '../errors';
import { describeBadPair } from './field-pairs';
import type { FieldPairs, MlRequest } from './ml-request';
import { V2_FIELDS, type RawRequestFields } from './raw-fields';

// Taken once: through the named imports every call went through class-validator's re-export getter.
const { isDefined, isIn, isNotEmpty, isString, maxLength } = classValidator;

/**
 * class-validator's `matches` for a pattern without flags, without its `String.prototype.match`
 * (which builds a match array on every call): a string the pattern matches.
 */
const matching =
  (pattern: RegExp) =>
  (value: unknown): boolean =>
    typeof value === 'string' && pattern.test(value);

/** The contract versions this server understands, as the `v` field spells them. */
export const CONTRACT_VERSIONS = ['1', '2'] as const;

type Check = readonly [passes: (value: unknown) => boolean, message: string | ((value: unknown) => string)];
interface FieldRule {
  readonly field: 'method' | 'path' | 'hour' | 'day' | 'body' | 'v' | 'headers' | 'cookies' | 'crs';
  /** Absent (undefined or null) is fine and skips the checks. */
  readonly optional?: boolean;
  readonly checks: readonly Check[];
}

const defined: Check = [isDefined, 'is missing'];
const aString = (field: string): Check => [isString, `${field} must be a string`];
const pairsOf = (kind: 'string' | 'finite-number'): Check => [
  (value) => describeBadPair(value, kind) === undefined,
  (value) => describeBadPair(value, kind) ?? '',
];

/**
 * Validation rules for the fields of a parsed body, checked in this order; the first failing check
 * of the first failing field is reported. These are class-validator's own checks (`isDefined`,
 * `maxLength`, ...) called directly: the decorator DTO this replaced looked its metadata up on
 * every request, about a tenth of the server's CPU per POST (docs/performance.md).
 */
const RULES: readonly FieldRule[] = [
  {
    field: 'method',
    checks: [
      defined,
      aString('method'),
      [isNotEmpty, 'must not be empty (it is REQUEST_METHOD)'],
      [(value) => maxLength(value, 256), 'is longer than 256 characters'],
    ],
  },
  { field: 'path', checks: [defined, aString('path')] },
  { field: 'hour', checks: [defined, [matching(/^(?:[01]?[0-9]|2[0-3])$/), 'must be an hour 00-23 (TIME_HOUR)']] },
  { field: 'day', checks: [defined, [matching(/^(?:0?[1-9]|[12][0-9]|3[01])$/), 'must be a day of month 01-31 (TIME_DAY)']] },
  { field: 'body', optional: true, checks: [aString('body')] },
  {
    field: 'v',
    optional: true,
    checks: [[(value) => isIn(value, CONTRACT_VERSIONS), 'is not a contract version this server understands (v=2, or no v for version 1)']],
  },
  { field: 'headers', optional: true, checks: [pairsOf('string')] },
  { field: 'cookies', optional: true, checks: [pairsOf('string')] },
  { field: 'crs', optional: true, checks: [pairsOf('finite-number')] },
];

/** Fields whose message already names the bad pair and its value. */
const PAIR_FIELDS = new Set(['headers', 'cookies', 'crs']);

/** The first broken rule as a {@link RequestValidationError}, or undefined. */
function firstViolation(fields: RawRequestFields): RequestValidationError | undefined {
  for (const rule of RULES) {
    const value: unknown = fields[rule.field];
    if (rule.optional === true && (value === undefined || value === null)) continue;
    for (const [passes, message] of rule.checks) {
      if (passes(value)) continue;
      const text = typeof message === 'string' ? message : message(value);
      const got = value === undefined || PAIR_FIELDS.has(rule.field) ? '' : `, got ${JSON.stringify(value).slice(0, 80)}`;
      return new RequestValidationError(rule.field, `${text}${got}`);
    }
  }
  return undefined;
}

/**
 * Checks the fields of a parsed body and builds the {@link MlRequest} adapters see.
 * `args` is required (the client always sends it, `{}` when empty); `files` and `sizes` default to
 * empty because older clients omit them. Sizes must be byte counts. `v` is absent (version 1) or
 * `2`; v2's `headers` and `cookies` hold strings and `crs` finite numbers.
 *
 * @throws RequestValidationError naming the first field that is wrong and why
 */
export function toMlRequest(fields: RawRequestFields): MlRequest {
  const violation = firstViolation(fields);
  if (violation !== undefined) throw violation;
  if (fields.args === undefined) throw new RequestValidationError('args', 'is missing');
  const version = fields.v === '2' ? 2 : 1;
  if (version === 1) {
    const v2Field = V2_FIELDS.find((name) => fields[name] !== undefined);
    if (v2Field !== undefined) throw new RequestValidationError(v2Field, 'is a contract v2 field; give "v": 2 with it');
  }
  const request: Mutable<MlRequest> = {
    method: fields.method!,
    path: fields.path!,
    args: fields.args,
    files: fields.files ?? [],
    sizes: (fields.sizes ?? []).map(([name, value]) => [name, toByteCount(name, value)] as const),
    hour: Number(fields.hour),
    day: Number(fields.day),
  };
  // Optional keys only when present, in this order (a recording's JSON lists them so).
  if (fields.body !== undefined) request.body = fields.body;
  // v1 requests stay exactly the objects they were before v2 (no `version` key): absent means 1
  if (version === 2) request.version = version;
  if (fields.headers !== undefined) request.headers = fields.headers as FieldPairs;
  if (fields.cookies !== undefined) request.cookies = fields.cookies as FieldPairs;
  if (fields.crs !== undefined) request.crs = fields.crs as FieldPairs<number>;
  return request;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function toByteCount(name: string, value: string): number {
  const bytes = /^[0-9]{1,15}$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(bytes)) {
    throw new RequestValidationError('sizes', `${JSON.stringify(name)} must be a byte count, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return bytes;
}
