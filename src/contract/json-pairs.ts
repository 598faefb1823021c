import { RequestFormatError } from '../errors';

/**
 * Parses a strict JSON object whose values are strings or numbers into ordered `[name, value]`
 * pairs, keeping repeated names (JSON.parse would keep only the last one). By default numbers are
 * kept as their source text, so `"sizes":{"FILES_SIZES:f":1024}` and `{"FILES_SIZES:f":"1024"}`
 * agree; with `numbers: 'value'` they become JavaScript numbers (`1e999` is `Infinity`), so a
 * validator can tell a JSON number from a string (v2's `headers`, `cookies`, `crs`).
 *
 * @param field the form field it came from, for error messages
 * @throws RequestFormatError naming the field and the character offset
 */
export function parseJsonPairs(text: string, field: string, numbers?: 'text'): Array<[string, string]>;
export function parseJsonPairs(text: string, field: string, numbers: 'value'): Array<[string, string | number]>;
export function parseJsonPairs(text: string, field: string, numbers: 'text' | 'value' = 'text'): Array<[string, string | number]> {
  let i = skipSpace(text, 0);
  const fail = (what: string): never => {
    throw new RequestFormatError(`field "${field}": ${what} at character ${i} (url-encoded bodies carry strict JSON objects of strings).`);
  };
  if (text[i] !== '{') fail('expected "{"');
  i = skipSpace(text, i + 1);
  const pairs: Array<[string, string | number]> = [];
  if (text[i] === '}') i = skipSpace(text, i + 1);
  else {
    for (;;) {
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
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) break;
      if (c === 0x5c) j++;
    }
    if (j >= text.length) fail('unterminated string');
    i = j + 1;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('invalid string escape or raw control character');
    }
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}
