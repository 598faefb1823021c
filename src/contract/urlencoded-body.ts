import { RequestFormatError } from '../errors';
import { decodeFormComponent } from './decode';
import { parseJsonPairs } from './json-pairs';
import type { RawRequestFields } from './raw-fields';

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
]);

/**
 * Parses a properly url-encoded body (what our own Lua client sends): `&`-separated `name=value`
 * pairs, each side percent-decoded (`+` is a space) and read as UTF-8 with surrogateescape.
 * `args`, `files` and `sizes` hold strict JSON objects. A known field given twice is an error:
 * two different answers to "what is the path" cannot both be scored.
 */
export function parseUrlEncodedBody(bytes: Uint8Array): RawRequestFields {
  const fields: RawRequestFields = {};
  const seen = new Set<string>();
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start); // '&'
    if (end < 0) end = bytes.length;
    if (end > start) {
      const part = bytes.subarray(start, end);
      const eq = part.indexOf(0x3d); // '='
      const name = decodeFormComponent(eq < 0 ? part : part.subarray(0, eq));
      const reader = KNOWN_FIELDS.get(name);
      if (reader !== undefined) {
        if (seen.has(name)) throw new RequestFormatError(`field "${name}" is given twice.`);
        seen.add(name);
        reader(fields, eq < 0 ? '' : decodeFormComponent(part.subarray(eq + 1)));
      }
    }
    start = end + 1;
  }
  return fields;
}
