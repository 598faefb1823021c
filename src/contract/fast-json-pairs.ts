import { decodeSurrogateEscape } from './decode';
import { decodedIsPrintableAscii, latin1, percentDecodeInto, scratch } from './form-scratch';
import { MODEL_LIMITS, type TextBudget } from './model-limits';

/**
 * The common case of a url-encoded JSON pairs field (`args`, `headers`, ...), read in two tight
 * passes over one reused buffer (percent-decode, then scan the bytes) instead of decoding into a new
 * buffer, viewing it as latin1 and slicing and decoding each string separately: the whole parse of a
 * typical 1.5 KB v2 body went from ~28 µs to ~8 µs (docs/performance.md).
 *
 * It only ever answers when the answer is certain to be what `parseJsonPairs` over the decoded bytes
 * gives (urlencoded-body.ts): a well-formed object, fewer than {@link MODEL_LIMITS.maxPairs} pairs,
 * and a decoded value that fits in the body's {@link TextBudget} (so no string is cut). For anything
 * else — a syntax error, a bad escape, a raw control character, a long number, a big value — it
 * returns `undefined` without touching the budget, and the caller runs the general parser, which owns
 * every error message and every truncation rule. test/contract/fast-json-pairs.test.ts checks the two
 * agree on randomized bodies.
 *
 * @param from where the value starts in `encoded` (default: its start)
 * @param to where the value ends in `encoded` (default: its end)
 */
export function fastJsonPairs(
  encoded: Uint8Array,
  numbers: 'text' | 'value',
  budget: TextBudget,
  from = 0,
  to = encoded.length,
): Array<[string, string | number]> | undefined {
  // Decoding never grows a value; one that cannot fit in the budget even fully escaped is not for us.
  if (to - from > 3 * budget.left) return undefined;
  const size = percentDecodeInto(encoded, from, to);
  if (size > budget.left) return undefined;
  const b = scratch();
  // One native latin1 copy of the whole value; ASCII strings are slices of it (its characters are the bytes).
  const view = latin1(0, size);
  // A value of printable ASCII only (the common case): a string ends at the next quote unless a
  // backslash comes first, and needs no other look at its bytes.
  const printable = decodedIsPrintableAscii();
  const pairs: Array<[string, string | number]> = [];
  let spent = 0;
  let i = skipSpace(b, 0, size);
  if (b[i] !== BRACE_OPEN || i >= size) return undefined;
  i = skipSpace(b, i + 1, size);
  if (i < size && b[i] === BRACE_CLOSE) i = skipSpace(b, i + 1, size);
  else {
    for (;;) {
      if (pairs.length === MODEL_LIMITS.maxPairs || i >= size || b[i] !== QUOTE) return undefined;
      const name = readString(i);
      if (name === undefined) return undefined;
      i = skipSpace(b, stringEnd, size);
      if (i >= size || b[i] !== COLON) return undefined;
      i = skipSpace(b, i + 1, size);
      let value: string | number | undefined;
      if (i < size && b[i] === QUOTE) {
        value = readString(i);
        if (value === undefined) return undefined;
        i = stringEnd;
      } else {
        const end = numberEnd(b, i, size);
        if (end < 0) return undefined;
        value = numbers === 'value' ? (smallInteger(b, i, end) ?? Number(view.slice(i, end))) : view.slice(i, end);
        i = end;
      }
      pairs.push([name, value]);
      i = skipSpace(b, i, size);
      if (i < size && b[i] === COMMA) i = skipSpace(b, i + 1, size);
      else if (i < size && b[i] === BRACE_CLOSE) {
        i = skipSpace(b, i + 1, size);
        break;
      } else return undefined;
    }
  }
  if (i !== size) return undefined;
  // Nothing was cut (the whole value fits), so spending it all at once leaves the budget as the
  // general parser's string-by-string spending would.
  budget.spend(spent);
  return pairs;

  /** The string literal opening at `at`, or undefined when the general parser must judge it; sets stringEnd. */
  function readString(at: number): string | undefined {
    const start = at + 1;
    if (printable) {
      let close = start;
      while (close < size && b[close] !== QUOTE && b[close] !== BACKSLASH) close++;
      if (close >= size) return undefined;
      if (b[close] === QUOTE) {
        stringEnd = close + 1;
        spent += close - start;
        return view.slice(start, close);
      }
    }
    return readAnyString(start);
  }

  /** The string whose content starts at `start`, byte by byte (escapes, non-ASCII); sets stringEnd. */
  function readAnyString(start: number): string | undefined {
    let escaped = false;
    let ascii = true;
    let k = start;
    for (; k < size; k++) {
      const c = b[k];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        k++; // the escaped character, whatever it is, cannot close the string
        if (k < size && b[k] >= 0x80) ascii = false;
      } else if (c < 0x20) return undefined;
      else if (c >= 0x80) ascii = false;
    }
    if (k >= size) return undefined;
    stringEnd = k + 1;
    spent += k - start;
    const inner = ascii ? view.slice(start, k) : decodeSurrogateEscape(b.subarray(start, k));
    if (!escaped) return inner;
    // As the general parser does: the literal's decoded text through JSON.parse (escapes, \u, ...).
    try {
      return JSON.parse(`"${inner}"`) as string;
    } catch {
      return undefined;
    }
  }
}

/** Where the string read last by `readString` ends (just past its closing quote). */
let stringEnd = 0;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/**
 * End of the JSON number starting at `i` (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1 when there
 * is none, a part is left half-written, or it is 400 characters or longer (the general parser reads
 * numbers from a 400-character window and must judge those).
 */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  const start = i;
  if (i < end && b[i] === 0x2d) i++;
  if (i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) i = digits(b, i, end);
  else return -1;
  if (i < end && b[i] === 0x2e) {
    const after = digits(b, i + 1, end);
    if (after === i + 1) return -1;
    i = after;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    let at = i + 1;
    if (at < end && (b[at] === 0x2b || b[at] === 0x2d)) at++;
    const after = digits(b, at, end);
    if (after === at) return -1;
    i = after;
  }
  return i - start >= 400 ? -1 : i;
}

/**
 * The value of the JSON number in b[start, end) when it is a plain integer of at most 15 digits
 * (what `Number` of its text gives, -0 included), computed without a string; undefined otherwise.
 */
function smallInteger(b: Uint8Array, start: number, end: number): number | undefined {
  const negative = b[start] === 0x2d;
  const first = negative ? start + 1 : start;
  if (end - first > 15) return undefined;
  let value = 0;
  for (let k = first; k < end; k++) {
    const d = b[k] - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

function digits(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
  return i;
}
