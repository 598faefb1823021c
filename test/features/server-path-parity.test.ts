import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FieldPairs, MlRequest } from '../../src/contract/ml-request';
import { decodeSurrogateEscape } from '../../src/contract/decode';
import { parseRequestBody } from '../../src/contract/parse-request';
import { parseRequestLine } from '../../src/features/request-line';
import { extractWafV1 } from '../../src/features/waf-v1';

/**
 * The parity test compares the twin with the TypeScript extractor on JSON lines. The server, though,
 * gets its requests as url-encoded POST bodies from plugin/machine-learning-client.lua, whose strings
 * are raw ModSecurity bytes. This test re-encodes every corpus request the way the client does and
 * checks that the server's parser hands the extractor the very same request, so the twin's numbers
 * are the served numbers.
 */
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'features');
const corpus = readFileSync(path.join(FIXTURES, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line !== '');
const expected = readFileSync(path.join(FIXTURES, 'expected.jsonl'), 'utf8').split('\n').filter((line) => line !== '');

/**
 * String -> bytes, undoing surrogateescape (U+DC80..U+DCFF -> one byte); null when no byte string
 * decodes to this text (other lone surrogates, or escaped bytes that would join into a character).
 */
function surrogateEscapeBytes(text: string): number[] | null {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xdc80 && code <= 0xdcff) bytes.push(code & 0xff);
    else if (code >= 0xd800 && code <= 0xdfff) return null;
    else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return decodeSurrogateEscape(Uint8Array.from(bytes)) === text ? bytes : null;
}

/** The client's json_string: escape `"`, `\` and control bytes; every other byte goes raw. */
function luaJsonString(bytes: number[]): number[] {
  const out = [0x22];
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out.push(0x5c, b);
    else if (b < 0x20) out.push(...Buffer.from(`\\u${b.toString(16).padStart(4, '0')}`));
    else out.push(b);
  }
  out.push(0x22);
  return out;
}

function luaJsonObject(pairs: FieldPairs<string | number>): number[] | null {
  const out = [0x7b];
  for (const [index, [name, value]] of pairs.entries()) {
    const nameBytes = surrogateEscapeBytes(name);
    const valueBytes = typeof value === 'number' ? [...Buffer.from(String(value))] : surrogateEscapeBytes(value);
    if (nameBytes === null || valueBytes === null) return null;
    if (index > 0) out.push(0x2c);
    out.push(...luaJsonString(nameBytes), 0x3a, ...(typeof value === 'number' ? valueBytes : luaJsonString(valueBytes)));
  }
  out.push(0x7d);
  return out;
}

const percent = (bytes: number[]) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The url-encoded body plugin/machine-learning-client.lua would POST for this request, or null. */
function clientBody(request: MlRequest): Buffer | null {
  const fields: Array<[string, number[] | null]> = [
    ['method', surrogateEscapeBytes(request.method)],
    ['path', surrogateEscapeBytes(request.path)],
    ['args', luaJsonObject(request.args)],
    ['files', luaJsonObject(request.files)],
    ['sizes', luaJsonObject(request.sizes)],
    ['hour', [...Buffer.from(String(request.hour))]],
    ['day', [...Buffer.from(String(request.day))]],
  ];
  if (request.body !== undefined) fields.push(['body', surrogateEscapeBytes(request.body)]);
  if (fields.some(([, bytes]) => bytes === null)) return null;
  return Buffer.from(fields.map(([name, bytes]) => `${name}=${percent(bytes!)}`).join('&'));
}

describe('waf-v1 through the server parser', () => {
  it('gives the twin numbers for every corpus request the Lua client could send', () => {
    let checked = 0;
    const problems: string[] = [];
    corpus.forEach((line, i) => {
      const request = parseRequestLine(line);
      const body = clientBody(request);
      if (body === null) return; // holds a high or non-escape surrogate: no byte string decodes to it
      const served = parseRequestBody(body);
      const row = extractWafV1(served);
      const twin = JSON.parse(expected[i]) as number[];
      if (!row.every((value, j) => Object.is(value, twin[j])) && problems.length < 10) problems.push(`line ${i + 1}`);
      checked++;
    });
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(2100); // 2,145 of 2,504; the others hold surrogates no byte string decodes to
  });
});
