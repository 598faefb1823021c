import type { MlRequest } from '../contract/ml-request';
import { SecondSight } from '../memo/second-sight';
import { TwoGenerations } from '../memo/two-generations';

/** Requests whose key would be longer than this many UTF-16 units are not remembered. */
const MAX_KEY_LENGTH = 1024;

/**
 * Remembers the row an extractor gave for each exact request it read, so a request seen again
 * (the same page with the same arguments, a health check, an asset) is not described again. An
 * extractor is a pure function of the fields it reads, so the row is the same numbers.
 *
 * Bounded: two generations of at most `capacity` requests each (src/memo/two-generations.ts), keys of
 * about 1,024 UTF-16 units at most (larger requests are always extracted). A request is remembered the second time it comes (src/memo/second-sight.ts),
 * so a flood of new ones costs only the key and its hash. Hits return a copy: a caller may change its row.
 */
export class RowMemo {
  private readonly rows: TwoGenerations<number[]>;
  private readonly doorkeeper = new SecondSight();

  constructor(capacity = 1024) {
    this.rows = new TwoGenerations(capacity);
  }

  /** The row of `request`: remembered under `key` when it is defined, else extracted by `extract`. */
  row(key: string | undefined, request: MlRequest, extract: (request: MlRequest) => number[]): number[] {
    if (key === undefined) return extract(request);
    const known = this.rows.get(key);
    if (known !== undefined) return known.slice();
    const row = extract(request);
    if (this.doorkeeper.seenBefore(key)) this.rows.set(key, row.slice());
    return row;
  }
}

const lengthPrefixed = (text: string) => `${text.length}:${text}`;
/** An integer as exact text; undefined for anything `String` would not tell apart (-0, fractions, NaN). */
const exactInteger = (n: number) => (Number.isSafeInteger(n) && !Object.is(n, -0) ? `${n};` : undefined);

/**
 * One string for the fields waf-v1 and its kin read (method, path, args, files, sizes, hour, day,
 * body) that no two requests differing in them share: every text is length-prefixed, every number
 * an exact integer. Undefined when the request is too large to remember or holds a number that is
 * not a plain integer.
 */
export function requestKey(request: MlRequest): string | undefined {
  const { method, path, args, files, sizes, body } = request;
  // Bounded before anything is built: the texts, and a few characters of prefix per pair.
  let length = method.length + path.length + (body?.length ?? 0) + 8 * (args.length + files.length + sizes.length);
  for (const [name, value] of args) length += name.length + value.length;
  for (const [name, value] of files) length += name.length + value.length;
  for (const [name] of sizes) length += name.length;
  if (length > MAX_KEY_LENGTH) return undefined;
  const hour = exactInteger(request.hour);
  const day = exactInteger(request.day);
  if (hour === undefined || day === undefined) return undefined;
  let key = `${lengthPrefixed(method)}${lengthPrefixed(path)}${hour}${day}${body === undefined ? '-' : lengthPrefixed(body)}a${args.length};`;
  for (const [name, value] of args) key += lengthPrefixed(name) + lengthPrefixed(value);
  key += `f${files.length};`;
  for (const [name, value] of files) key += lengthPrefixed(name) + lengthPrefixed(value);
  key += `s${sizes.length};`;
  for (const [name, size] of sizes) {
    const exact = exactInteger(size);
    if (exact === undefined) return undefined;
    key += lengthPrefixed(name) + exact;
  }
  return key;
}
