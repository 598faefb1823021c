import type { MlRequest } from '../contract/ml-request';
import { parseJsonPairs } from '../contract/json-pairs';
import { V2_FIELDS, type RawRequestFields } from '../contract/raw-fields';
import { toMlRequest } from '../contract/request.dto';
import { RequestFormatError } from '../errors';

type Reader = (fields: RawRequestFields, text: string) => void;

/** Fields that may be written as JSON numbers (`"hour":7`) as well as strings (`"hour":"07"`). */
const NUMERIC = new Set(['hour', 'day', 'v']);

const asText = (field: string, text: string): string => {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && NUMERIC.has(field)) return text;
  throw new RequestFormatError(`field "${field}" must be a ${NUMERIC.has(field) ? 'number or string' : 'string'}`);
};

/** The fields of a request line, each read from its JSON source text. */
const FIELDS = new Map<string, Reader>([
  ['method', (f, t) => (f.method = asText('method', t))],
  ['path', (f, t) => (f.path = asText('path', t))],
  ['hour', (f, t) => (f.hour = asText('hour', t))],
  ['day', (f, t) => (f.day = asText('day', t))],
  ['body', (f, t) => (f.body = asText('body', t))],
  ['args', (f, t) => (f.args = parseJsonPairs(t, 'args'))],
  ['files', (f, t) => (f.files = parseJsonPairs(t, 'files'))],
  ['sizes', (f, t) => (f.sizes = parseJsonPairs(t, 'sizes'))],
  ['v', (f, t) => (f.v = asText('v', t))],
  ['headers', (f, t) => (f.headers = parseJsonPairs(t, 'headers', 'value'))],
  ['cookies', (f, t) => (f.cookies = parseJsonPairs(t, 'cookies', 'value'))],
  ['crs', (f, t) => (f.crs = parseJsonPairs(t, 'crs', 'value'))],
  // What `serve --record` adds to each line (src/recording/recording.ts): read past, never scored.
  ...['score', 'anomaly', 'time'].map((name): [string, Reader] => [name, (_f, t) => void JSON.parse(t)]),
]);

/**
 * One JSON line — `{"v":1,"method":"POST","path":"/x","args":{"ARGS:q":"..."},"files":{},"sizes":{},
 * "hour":7,"day":29}`, the shape `requestToJson` prints — to a validated {@link MlRequest}.
 * Repeated argument names are kept (JSON.parse would keep only the last), and the same rules as the
 * server's POST parser apply (`toMlRequest`): sizes are byte counts given as numbers or digit strings.
 * `v` is optional: without it a line holding `headers`, `cookies` or `crs` is version 2, any other
 * version 1 (so lines written before v2 still read the same).
 *
 * @throws RequestFormatError / RequestValidationError saying what is wrong; callers add the line number
 */
export function parseRequestLine(line: string): MlRequest {
  const fields: RawRequestFields = {};
  const seen = new Set<string>();
  let i = skipSpace(line, 0);
  const fail = (what: string): never => {
    throw new RequestFormatError(`${what} at character ${i + 1}`);
  };
  if (line[i] !== '{') fail('expected a JSON object "{"');
  i = skipSpace(line, i + 1);
  while (line[i] !== '}') {
    if (line[i] !== '"') fail('expected a quoted field name');
    const nameEnd = endOfValue(line, i);
    const name = JSON.parse(line.slice(i, nameEnd)) as string;
    i = skipSpace(line, nameEnd);
    if (line[i] !== ':') fail('expected ":"');
    i = skipSpace(line, i + 1);
    const valueEnd = endOfValue(line, i);
    if (valueEnd === i) fail(`field "${name}" has no value`);
    const reader = FIELDS.get(name);
    if (reader === undefined) fail(`unknown field "${name}" (known: ${[...FIELDS.keys()].join(', ')})`);
    if (seen.has(name)) fail(`field "${name}" is given twice`);
    seen.add(name);
    try {
      reader!(fields, line.slice(i, valueEnd));
    } catch (cause) {
      if (cause instanceof RequestFormatError) throw cause;
      fail(`field "${name}" is not valid JSON`);
    }
    i = skipSpace(line, valueEnd);
    if (line[i] === ',') i = skipSpace(line, i + 1);
    else if (line[i] !== '}') fail('expected "," or "}"');
  }
  if (skipSpace(line, i + 1) !== line.length) fail('unexpected text after the object');
  if (fields.v === undefined && V2_FIELDS.some((name) => fields[name] !== undefined)) fields.v = '2';
  return toMlRequest(fields);
}

/**
 * Index just past the JSON value starting at `start` (string, number, literal, or a bracketed
 * object/array with strings skipped); validity is checked by whoever parses the slice.
 */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      if (depth === 0) return Math.min(i, text.length);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n')) return i;
    i++;
  }
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}
