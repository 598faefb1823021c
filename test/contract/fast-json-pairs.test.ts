import * as fast from '../../src/contract/fast-json-pairs';
import { TextBudget } from '../../src/contract/model-limits';
import { parseRequestBody } from '../../src/contract/parse-request';
import { toMlRequest } from '../../src/contract/request.dto';
import { parseUrlEncodedBody } from '../../src/contract/urlencoded-body';
import { referenceParseUrlEncodedBody } from './reference/urlencoded-body';
import { prng } from '../helpers/prng';

/**
 * Differential test of the url-encoded parser's fast path: on randomized and mutated v2 bodies
 * (invalid UTF-8, bad escapes, raw control characters, odd numbers, duplicate keys and fields, big
 * values, tight budgets) the parser must give exactly what the implementation before it gave
 * (test/contract/reference/urlencoded-body.ts): the same fields, the same budget left, the same
 * truncation, or the same error class and message.
 */


type Outcome = { fields: unknown; left: number; truncated: boolean } | { error: string; message: string };

function outcome(parse: (body: Uint8Array, budget: TextBudget) => unknown, body: Uint8Array, budgetBytes: number): Outcome {
  const budget = new TextBudget(budgetBytes);
  try {
    const fields = parse(body, budget);
    let request: unknown;
    try {
      request = toMlRequest(fields as never);
    } catch (error) {
      request = { error: (error as Error).constructor.name, message: (error as Error).message };
    }
    return { fields: { fields, request }, left: budget.left, truncated: budget.truncated };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** JSON text of an outcome that also tells -0, NaN and the infinities apart (JSON.stringify would not). */
const show = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' ? `number ${Object.is(item, -0) ? '-0' : String(item)}` : item));

/** Pieces of JSON text (already in JSON syntax or deliberately broken). */
const STRING_PIECES = [
  'a', 'Z', ' ', 'blue running shoes', '0', '%', '+', '&', '=', '$#$', 'é', '日本', '😀', '\\"', '\\\\', '\\/', '\\n', '\\t',
  '\\u00e9', '\\ud83d\\ude00', '\\ud800', '\\x', '\\u12', '\\', '\t', '\n', '\x01', '\x7f', "'", ':', ',', '{', '}', '"',
];
const NUMBERS = ['0', '5', '-1', '12.5', '1e3', '1E+2', '-0.0e-1', '01', '1.', '-', '1e', '.5', '1e999', '9'.repeat(399), '9'.repeat(400), 'NaN', 'true'];
const SPACES = ['', '', '', ' ', '\n', '\t', '\r', '  '];

function randomJson(random: () => number, numbersLikely: boolean): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // \v and \f are not JSON whitespace: now and then, so most objects stay well-formed.
  const space = (): string => (random() < 0.005 ? pick(['\v', '\f']) : pick(SPACES));
  const str = (): string => {
    let s = '';
    const n = Math.floor(random() * 6);
    for (let k = 0; k < n; k++) s += pick(STRING_PIECES.slice(0, random() < 0.9 ? 20 : STRING_PIECES.length));
    return `"${s}"`;
  };
  const names = ['"ARGS:q"', '"ARGS:q"', '"REQUEST_HEADERS:Host"', '"inbound_anomaly_score_pl1"'];
  const pairs: string[] = [];
  const count = random() < 0.01 ? 999 + Math.floor(random() * 4) : Math.floor(random() * 6);
  for (let k = 0; k < count; k++) {
    if (count > 6 && k < 990) {
      pairs.push(numbersLikely ? '"n":1' : '"a":"b"'); // the cheap bulk of a 1000-pair object
      continue;
    }
    const name = random() < 0.5 ? pick(names) : str();
    const value = (numbersLikely ? random() < 0.7 : random() < 0.15) ? pick(NUMBERS) : str();
    pairs.push(`${space()}${name}${space()}:${space()}${value}${space()}`);
  }
  let json = `${space()}{${pairs.join(',')}}${space()}`;
  if (random() < 0.1) json = json.slice(0, Math.floor(random() * json.length)); // cut short
  if (random() < 0.05) json += pick(['x', '}', ',', ' 1']);
  return json;
}

const UNRESERVED = new Uint8Array(128).map((_, c) => Number(/[A-Za-z0-9_.~-]/.test(String.fromCharCode(c))));
const FORM_SPECIAL = new Uint8Array(128).map((_, c) => Number(/[&=%+]/.test(String.fromCharCode(c))));

/** Percent-encodes text the ways clients (and attackers) do: fully, `+` for space, raw, lower-case, broken. */
function encode(random: () => number, text: string): string {
  let out = '';
  for (const byte of Buffer.from(text)) {
    const r = random();
    if (byte === 0x20 && r < 0.3) out += '+';
    else if (byte < 0x80 && UNRESERVED[byte] === 1 && r < 0.8) out += String.fromCharCode(byte);
    else if (byte < 0x80 && FORM_SPECIAL[byte] === 0 && r < 0.1) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).padStart(2, '0')[r < 0.5 ? 'toUpperCase' : 'toLowerCase']()}`;
    if (random() < 0.003) out += ['%', '%z', '%4', '%FF', '%C3', '%ED%A0%80', '%00', '+'][Math.floor(random() * 8)];
  }
  return out;
}

/** An encoded JSON object bigger than the whole text budget (128 KiB). */
const BIG = `%7B%22ARGS%3Abig%22%3A%22${'x'.repeat(140 * 1024)}%22%7D`;

function randomBody(random: () => number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const fields: Array<[string, string]> = [
    ['v', pick(['2', '2', '2', '1', '3', ''])],
    ['method', pick(['GET', 'POST', '', 'G%C3T'])],
    ['path', pick(['/shop/search.php', '/a b', '/%FF', 'x'.repeat(3000)])],
    ['args', randomJson(random, false)],
    ['files', random() < 0.7 ? '{}' : randomJson(random, false)],
    ['sizes', random() < 0.7 ? '{}' : randomJson(random, true)],
    ['hour', pick(['14', '7', '24', 'x'])],
    ['day', pick(['05', '31', '0'])],
    ['headers', randomJson(random, false)],
    ['cookies', randomJson(random, false)],
    ['crs', randomJson(random, true)],
  ];
  if (random() < 0.1) fields.push([pick(fields)[0], '{}']); // a field given twice
  if (random() < 0.1) fields.push(['extra', '1']);
  // Odd parts: no '=', empty, long or encoded names, a name that decodes to a field's.
  const odd = ['', 'v', 'path', 'x'.repeat(21), `${'x'.repeat(22)}=1`, `${'%41'.repeat(8)}=2`, 'hea%64ers=%7B%7D', 'da+y=3', 'p%C3%A4th=1', 'c%6f%6fkies=%7B%7D', '=v'];

  for (let k = fields.length - 1; k > 0 && random() < 0.3; k--) {
    const j = Math.floor(random() * (k + 1));
    [fields[k], fields[j]] = [fields[j], fields[k]];
  }
  const big = random() < 0.03 ? Math.floor(random() * fields.length) : -1;
  let body = fields
    .map(([name, value], k) => `${random() < 0.05 ? encode(random, name) : name}=${k === big ? BIG : encode(random, value)}`)
    .join('&');
  if (random() < 0.2) body = random() < 0.5 ? `${pick(odd)}&${body}` : `${body}&${pick(odd)}`;
  if (random() < 0.1) {
    // A few random byte edits anywhere.
    const bytes = Buffer.from(body);
    for (let k = 0; k < 3; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    return bytes;
  }
  if (random() < 0.05) body = body.slice(0, Math.floor(random() * body.length));
  return Buffer.from(body);
}

describe('the url-encoded fast path agrees with the reference parser', () => {
  it('on 2,500 randomized v2 bodies, with the full budget and with tight ones', () => {
    const random = prng(20261205);
    const spy = jest.spyOn(fast, 'fastJsonPairs');
    let fastAnswers = 0;
    for (let n = 0; n < 2500; n++) {
      const body = randomBody(random);
      const budgets = [128 * 1024, Math.floor(random() * 400), Math.floor(random() * 3000)];
      for (const bytes of budgets) {
        const expected = outcome(referenceParseUrlEncodedBody, body, bytes);
        const actual = outcome(parseUrlEncodedBody, body, bytes);
        if (show(actual) !== show(expected)) {
          throw new Error(`case ${n}, budget ${bytes}: ${body.toString('latin1').slice(0, 300)}\nexpected ${show(expected).slice(0, 600)}\ngot ${show(actual).slice(0, 600)}`);
        }
        if (!('error' in expected)) fastAnswers++;
      }
    }
    // The generator must reach parsed bodies, the fast path's answers and its refusals often, or the comparison says little.
    const answered = spy.mock.results.filter((result) => result.value !== undefined).length;
    const refused = spy.mock.results.length - answered;
    spy.mockRestore();
    expect(fastAnswers).toBeGreaterThan(1000);
    expect(answered).toBeGreaterThan(5000);
    expect(refused).toBeGreaterThan(5000);
  });

  it('keeps lone surrogates and -0 apart (JSON.stringify would not)', () => {
    const body = Buffer.from(
      `v=2&method=GET&path=%2F&args=${encodeURIComponent('{"a":"\\ud800","b":"x"}')}&hour=1&day=1` +
        `&headers=%7B%22h%22%3A%22%FF%22%7D&cookies=%7B%7D&crs=${encodeURIComponent('{"s":-0,"t":-0.0e-1}')}`,
    );
    const expected = referenceParseUrlEncodedBody(body);
    const actual = parseUrlEncodedBody(body);
    expect(actual).toEqual(expected);
    expect(Object.is((actual.crs![0] as [string, number])[1], -0)).toBe(true);
    expect(actual.headers).toEqual([['h', '\udcff']]);
    expect(parseRequestBody(body).args).toEqual([['a', '\ud800'], ['b', 'x']]);
  });
});
