import { RequestFormatError } from '../errors';
import { decodeFormComponent } from './decode';
import { parseJsonPairs } from './json-pairs';
import { V2_FIELDS, type RawRequestFields, type V2Field } from './raw-fields';

type FieldReader = (fields: RawRequestFields, value: string) => void;

/** The fields we know; anything else (newer clients' additions) is ignored. */
const KNOWN_FIELDS = new Map<string, FieldReader>([
  ['method', (f, v) => (f.method = v)],
  ['path', (f, v) => (f.path = v)],
  ['args', (f, v) => (f.args = parseJsonPairs(v, 'args'))],
  ['files', (f, v) => (f.files = parseJsonPairs(v, 'files'))],
  ['sizes', (f, v) => (f.sizes = parseJsonPairs(v, 'sizes'))],
  ['hour', (f, v) => (f.hour = v)],
  ['day', (f, v) => (f.day = v)],
  ['body', (f, v) => (f.body = v)],
  ['v', (f, v) => (f.v = v)],
]);

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
export function parseUrlEncodedBody(bytes: Uint8Array): RawRequestFields {
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
      const name = decodeFormComponent(eq < 0 ? part : part.subarray(0, eq));
      const reader = KNOWN_FIELDS.get(name);
      const isV2 = reader === undefined && IS_V2_FIELD.has(name);
      if (reader !== undefined || isV2) {
        if (seen.has(name)) throw new RequestFormatError(`field "${name}" is given twice.`);
        seen.add(name);
        const value = eq < 0 ? part.subarray(part.length) : part.subarray(eq + 1);
        if (isV2) v2Values.push([name as V2Field, value]);
        else reader!(fields, decodeFormComponent(value));
      }
    }
    start = end + 1;
  }
  if (fields.v === '2') for (const [name, value] of v2Values) fields[name] = parseJsonPairs(decodeFormComponent(value), name, 'value');
  return fields;
}
