import { RequestFormatError } from '../errors';
import { MODEL_LIMITS } from './model-limits';

/** How {@link parseJsonPairs} reads text out of the object's source; the default reads `text` itself. */
export interface JsonPairsSource {
  /** The value of the JSON string literal spanning [start, end) (quotes included), or undefined when it is invalid. */
  readonly string?: (start: number, end: number) => string | undefined;
  /** The character offset, in the decoded text, of source position `i` (for error messages). */
  readonly offset?: (i: number) => number;
  /** The raw source text of [start, end). */
  readonly raw?: (start: number, end: number) => string;
  /**
   * Name of the one last pair that holds the rest of the object's source after
   * {@link MODEL_LIMITS.maxPairs} pairs; without it the rest is checked to close the object and dropped.
   */
  readonly overflowName?: string;
}

/**
 * Parses a strict JSON object whose values are strings or numbers into ordered `[name, value]`
 * pairs, keeping repeated names (JSON.parse would keep only the last one). By default numbers are
 * kept as their source text, so `"sizes":{"FILES_SIZES:f":1024}` and `{"FILES_SIZES:f":"1024"}`
 * agree; with `numbers: 'value'` they become JavaScript numbers (`1e999` is `Infinity`), so a
 * validator can tell a JSON number from a string (v2's `headers`, `cookies`, `crs`).
 * After {@link MODEL_LIMITS.maxPairs} pairs the rest is not parsed (see {@link JsonPairsSource.overflowName}).
 *
 * @param field the form field it came from, for error messages
 * @param source how strings are read (the server reads them from the body's bytes, within its text budget)
 * @throws RequestFormatError naming the field and the character offset
 */
export function parseJsonPairs(text: string, field: string, numbers?: 'text', source?: JsonPairsSource): Array<[string, string]>;
export function parseJsonPairs(text: string, field: string, numbers: 'value', source?: JsonPairsSource): Array<[string, string | number]>;
export function parseJsonPairs(
  text: string,
  field: string,
  numbers: 'text' | 'value' = 'text',
  source: JsonPairsSource = {},
): Array<[string, string | number]> {
  const readLiteral = source.string ?? ((start: number, end: number) => parseStringLiteral(text.slice(start, end)));
  let i = skipSpace(text, 0);
  const fail = (what: string): never => {
    throw new RequestFormatError(`field "${field}": ${what} at character ${source.offset?.(i) ?? i} (url-encoded bodies carry strict JSON objects of strings).`);
  };
  if (text[i] !== '{') fail('expected "{"');
  i = skipSpace(text, i + 1);
  const pairs: Array<[string, string | number]> = [];
  if (text[i] === '}') i = skipSpace(text, i + 1);
  else {
    for (;;) {
      if (pairs.length === MODEL_LIMITS.maxPairs) {
        const close = text.lastIndexOf('}');
        if (close < i) fail('expected "}"');
        if (source.overflowName !== undefined) pairs.push([source.overflowName, (source.raw ?? ((a, b) => text.slice(a, b)))(i, close)]);
        i = skipSpace(text, close + 1);
        break;
      }
      if (text[i] !== '"') fail('expected a quoted name');
      const name = readString();
      i = skipSpace(text, i);
      if (text[i] !== ':') fail('expected ":"');
      i = skipSpace(text, i + 1);
      let value: string | number;
      if (text[i] === '"') value = readString();
      else {
        const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (number === null) return fail('expected a string or number value');
        i += number[0].length;
        value = numbers === 'value' ? Number(number[0]) : number[0];
      }
      pairs.push([name, value]);
      i = skipSpace(text, i);
      if (text[i] === ',') i = skipSpace(text, i + 1);
      else if (text[i] === '}') {
        i = skipSpace(text, i + 1);
        break;
      } else fail('expected "," or "}"');
    }
  }
  if (i !== text.length) fail('unexpected text after the object');
  return pairs;

  function readString(): string {
    const start = i;
    const end = closingQuote(text, i + 1);
    if (end < 0) fail('unterminated string');
    i = end + 1;
    const value = readLiteral(start, i);
    if (value === undefined) {
      i = start;
      return fail('invalid string escape or raw control character');
    }
    return value;
  }
}

/** Index of the `"` closing a string whose content starts at `from` (native searches), or -1. */
function closingQuote(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

/** A JSON string literal's value, or undefined when it is not valid JSON. */
export function parseStringLiteral(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}
