import { RequestFormatError } from '../errors';
import { decodeSurrogateEscape, percentDecode } from './decode';
import { fastJsonPairs } from './fast-json-pairs';
import { decodedText, percentDecodeInto } from './form-scratch';
import { parseJsonPairs, parseStringLiteral } from './json-pairs';
import { MODEL_LIMITS, shortField, TextBudget } from './model-limits';
import { V2_FIELDS, type RawRequestFields, type V2Field } from './raw-fields';

/** Reads the value held in bytes [start, end) of the body into `fields`. */
type FieldReader = (fields: RawRequestFields, bytes: Uint8Array, start: number, end: number, budget: TextBudget) => void;

/** A scalar field: decoded within the budget (a few bytes past it, so a cut finds a character boundary). */
function text(bytes: Uint8Array, start: number, end: number, budget: TextBudget): string {
  // Common case: the whole value fits in the budget, decoded in the scratch buffer.
  if (end - start <= 3 * budget.left) {
    const length = percentDecodeInto(bytes, start, end);
    if (length <= budget.left) {
      budget.spend(length);
      return decodedText(length);
    }
  }
  return budget.take(percentDecode(bytes.subarray(start, end), budget.left + 4));
}

/** A short field checked by shape (method, hour, day, v), outside the budget. */
function short(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= MODEL_LIMITS.maxShortFieldBytes) return decodedText(percentDecodeInto(bytes, start, end));
  return shortField(percentDecode(bytes.subarray(start, end), MODEL_LIMITS.maxShortFieldBytes));
}

/** The fields we know; anything else (newer clients' additions) is ignored. */
const KNOWN_FIELDS = new Map<string, FieldReader>([
  ['method', (f, v, s, e) => (f.method = short(v, s, e))],
  ['path', (f, v, s, e, b) => (f.path = text(v, s, e, b))],
  ['args', (f, v, s, e, b) => (f.args = objectField(v, s, e, 'args', 'text', b) as Array<[string, string]>)],
  ['files', (f, v, s, e, b) => (f.files = objectField(v, s, e, 'files', 'text', b) as Array<[string, string]>)],
  ['sizes', (f, v, s, e, b) => (f.sizes = objectField(v, s, e, 'sizes', 'text', b) as Array<[string, string]>)],
  ['hour', (f, v, s, e) => (f.hour = short(v, s, e))],
  ['day', (f, v, s, e) => (f.day = short(v, s, e))],
  ['body', (f, v, s, e, b) => (f.body = text(v, s, e, b))],
  ['v', (f, v, s, e) => (f.v = short(v, s, e))],
]);

/** Where the rest of an object goes after MODEL_LIMITS.maxPairs pairs (numbers-only fields drop it). */
const OVERFLOW_NAME = new Map<string, string>([
  ['args', 'ARGS'],
  ['files', 'FILES'],
  ['headers', 'REQUEST_HEADERS'],
  ['cookies', 'REQUEST_COOKIES'],
]);
/** No field name is longer than this, even fully percent-encoded: longer names are not decoded. */
const LONGEST_NAME_BYTES = 3 * Math.max(...[...KNOWN_FIELDS.keys(), ...V2_FIELDS].map((name) => name.length));
const CONTROL = /[\x00-\x1f]/;

/**
 * `parseJsonPairs` over percent-decoded bytes: the structure is read on a latin1 view (one
 * character per byte, every delimiter ASCII), strings are decoded from their bytes within the body's
 * budget. Exactly what decoding the whole value first would give, for every string the budget covers.
 */
function jsonPairsOfBytes(raw: Uint8Array, field: string, numbers: 'text' | 'value', budget: TextBudget): Array<[string, string | number]>;
function jsonPairsOfBytes(raw: Uint8Array, field: string, numbers: 'text', budget: TextBudget): Array<[string, string]>;
function jsonPairsOfBytes(raw: Uint8Array, field: string, numbers: 'text' | 'value', budget: TextBudget): Array<[string, string | number]> {
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  return parseJsonPairs(view, field, numbers as 'value', {
    overflowName: OVERFLOW_NAME.get(field),
    offset: (i) => decodeSurrogateEscape(raw.subarray(0, i)).length,
    raw: (start, end) => budget.take(raw.subarray(start, end)),
    string: (start, end) => {
      const inner = raw.subarray(start + 1, end - 1);
      if (inner.indexOf(0x5c) < 0) return CONTROL.test(view.slice(start + 1, end - 1)) ? undefined : budget.take(inner);
      // Escapes: JSON.parse of the decoded literal; past the budget, cut before an escape it would split.
      const allowed = budget.spend(inner.length);
      for (let trim = 0; trim <= (allowed === inner.length ? 0 : 6) && trim <= allowed; trim++) {
        const value = parseStringLiteral(`"${decodeSurrogateEscape(inner.subarray(0, allowed - trim))}"`);
        if (value !== undefined) return value;
      }
      return undefined;
    },
  });
}

/** The JSON pairs field in bytes [start, end): the fast path when it can answer, the general parser otherwise. */
function objectField(bytes: Uint8Array, start: number, end: number, field: string, numbers: 'text' | 'value', budget: TextBudget): Array<[string, string | number]> {
  return fastJsonPairs(bytes, numbers, budget, start, end) ?? jsonPairsOfBytes(percentDecode(bytes.subarray(start, end)), field, numbers, budget);
}

const IS_V2_FIELD = new Set<string>(V2_FIELDS);
/** Every field name we read, with its bytes, by length: most bodies spell names plainly. */
const FIELD_NAMES_BY_LENGTH: ReadonlyArray<ReadonlyArray<readonly [string, Buffer]>> = (() => {
  const byLength: Array<Array<readonly [string, Buffer]>> = [];
  for (const name of [...KNOWN_FIELDS.keys(), ...V2_FIELDS]) (byLength[name.length] ??= []).push([name, Buffer.from(name, 'latin1')]);
  return Array.from(byLength, (names) => names ?? []);
})();
const NO_NAMES: ReadonlyArray<readonly [string, Buffer]> = [];

/**
 * The decoded name in bytes [start, end), as far as telling fields apart goes: a field's own name
 * when the bytes spell it plainly, the decoded text when they hold an escape (`%61rgs` is `args`),
 * and '' for any other plain name (no field of ours, so nothing asks which one it is).
 */
function fieldName(bytes: Uint8Array, start: number, end: number): string {
  const names = FIELD_NAMES_BY_LENGTH[end - start] ?? NO_NAMES;
  for (let n = 0; n < names.length; n++) {
    const spelled = names[n][1];
    let k = 0;
    while (k < spelled.length && bytes[start + k] === spelled[k]) k++;
    if (k === spelled.length) return names[n][0];
  }
  for (let i = start; i < end; i++) if (bytes[i] === 0x25 || bytes[i] === 0x2b) return decodedText(percentDecodeInto(bytes, start, end));
  return '';
}

/**
 * Parses a properly url-encoded body (what our own Lua client sends): `&`-separated `name=value`
 * pairs, each side percent-decoded (`+` is a space) and read as UTF-8 with surrogateescape.
 * `args`, `files` and `sizes` hold strict JSON objects. A known field given twice is an error:
 * two different answers to "what is the path" cannot both be scored.
 *
 * Contract v2 (`v=2`, in any position) adds `headers`, `cookies` and `crs`, strict JSON objects whose
 * numbers stay numbers for validation. Without `v=2` they are ignored like any unknown field, so a
 * version 1 body means exactly what it always did.
 */
export function parseUrlEncodedBody(bytes: Uint8Array, budget: TextBudget = new TextBudget()): RawRequestFields {
  const fields: RawRequestFields = {};
  let seen: string[] | undefined; // field names met so far (a dozen at most: a list beats a Set)
  const v2Values: Array<[V2Field, number, number]> = []; // decoded only when v=2
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start); // '&'
    if (end < 0) end = bytes.length;
    if (end > start) {
      // A name longer than LONGEST_NAME_BYTES is no field of ours: look no further for its '='.
      let eq = start;
      const nameLimit = Math.min(end, start + LONGEST_NAME_BYTES + 1);
      while (eq < nameLimit && bytes[eq] !== 0x3d) eq++; // '='
      const hasValue = eq < nameLimit;
      const name = hasValue || end - start <= LONGEST_NAME_BYTES ? fieldName(bytes, start, eq) : '';
      const reader = KNOWN_FIELDS.get(name);
      const isV2 = reader === undefined && IS_V2_FIELD.has(name);
      if (reader !== undefined || isV2) {
        if (seen === undefined) seen = [name];
        else if (seen.includes(name)) throw new RequestFormatError(`field "${name}" is given twice.`);
        else seen.push(name);
        const valueStart = hasValue ? eq + 1 : end;
        if (isV2) v2Values.push([name as V2Field, valueStart, end]);
        else reader!(fields, bytes, valueStart, end, budget);
      }
    }
    start = end + 1;
  }
  if (fields.v === '2') for (const [name, from, to] of v2Values) fields[name] = objectField(bytes, from, to, name, 'value', budget);
  return fields;
}
