// The url-encoded parser as it was before the fast path (commit 34931af), kept verbatim as the
// reference the differential test compares against. Do not optimise: it is the specification.
import { RequestFormatError } from '../../../src/errors';
import { decodeFormComponent, decodeSurrogateEscape, percentDecode } from '../../../src/contract/decode';
import { parseJsonPairs, parseStringLiteral } from '../../../src/contract/json-pairs';
import { MODEL_LIMITS, shortField, TextBudget } from '../../../src/contract/model-limits';
import { V2_FIELDS, type RawRequestFields, type V2Field } from '../../../src/contract/raw-fields';

type FieldReader = (fields: RawRequestFields, value: Uint8Array, budget: TextBudget) => void;

/** A scalar field: decoded within the budget (a few bytes past it, so a cut finds a character boundary). */
const text = (value: Uint8Array, budget: TextBudget): string => budget.take(percentDecode(value, budget.left + 4));
/** A short field checked by shape (method, hour, day, v), outside the budget. */
const short = (value: Uint8Array): string => shortField(percentDecode(value, MODEL_LIMITS.maxShortFieldBytes));

/** The fields we know; anything else (newer clients' additions) is ignored. */
const KNOWN_FIELDS = new Map<string, FieldReader>([
  ['method', (f, v) => (f.method = short(v))],
  ['path', (f, v, b) => (f.path = text(v, b))],
  ['args', (f, v, b) => (f.args = jsonPairsOfBytes(percentDecode(v), 'args', 'text', b))],
  ['files', (f, v, b) => (f.files = jsonPairsOfBytes(percentDecode(v), 'files', 'text', b))],
  ['sizes', (f, v, b) => (f.sizes = jsonPairsOfBytes(percentDecode(v), 'sizes', 'text', b))],
  ['hour', (f, v) => (f.hour = short(v))],
  ['day', (f, v) => (f.day = short(v))],
  ['body', (f, v, b) => (f.body = text(v, b))],
  ['v', (f, v) => (f.v = short(v))],
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

const IS_V2_FIELD = new Set<string>(V2_FIELDS);

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
export function referenceParseUrlEncodedBody(bytes: Uint8Array, budget: TextBudget = new TextBudget()): RawRequestFields {
  const fields: RawRequestFields = {};
  const seen = new Set<string>();
  const v2Values: Array<[V2Field, Uint8Array]> = []; // decoded only when v=2
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start); // '&'
    if (end < 0) end = bytes.length;
    if (end > start) {
      const part = bytes.subarray(start, end);
      const eq = part.indexOf(0x3d); // '='
      const nameBytes = eq < 0 ? part : part.subarray(0, eq);
      const name = nameBytes.length > LONGEST_NAME_BYTES ? '' : decodeFormComponent(nameBytes);
      const reader = KNOWN_FIELDS.get(name);
      const isV2 = reader === undefined && IS_V2_FIELD.has(name);
      if (reader !== undefined || isV2) {
        if (seen.has(name)) throw new RequestFormatError(`field "${name}" is given twice.`);
        seen.add(name);
        const value = eq < 0 ? part.subarray(part.length) : part.subarray(eq + 1);
        if (isV2) v2Values.push([name as V2Field, value]);
        else reader!(fields, value, budget);
      }
    }
    start = end + 1;
  }
  if (fields.v === '2') for (const [name, value] of v2Values) fields[name] = jsonPairsOfBytes(percentDecode(value), name, 'value', budget);
  return fields;
}
