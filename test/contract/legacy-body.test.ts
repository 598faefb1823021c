import { parseLegacyBody, parseLegacyObject } from '../../src/contract/legacy-body';
import { parseRequestBody, detectBodyFormat } from '../../src/contract/parse-request';

const enc = (text: string) => Buffer.from(text, 'utf8');

/** Builds a body exactly as the original Lua client does: string concatenation, `"` -> `$#$`. */
function legacyBody(args: Array<[string, string]>, tail = '&files={}&sizes={}&hour=07&day=29', method = 'POST', path = '/search.php'): string {
  const object = args.length === 0 ? '{}' : `{${args.map(([n, v]) => `"${n}":"${v.replace(/"/g, '$#$')}"`).join(',')}}`;
  return `method=${method}&path=${path}&args=${object}${tail}`;
}

describe('legacy raw bodies (the original Lua client)', () => {
  it('parses the body captured from a real ModSecurity 2.9', () => {
    const request = parseRequestBody(
      enc('method=POST&path=/search.php&args={"ARGS:q":"fish&chips","ARGS:note":"1+1=2"}&files={}&sizes={}&hour=07&day=29'),
    );
    expect(request).toEqual({
      method: 'POST',
      path: '/search.php',
      args: [
        ['ARGS:q', 'fish&chips'],
        ['ARGS:note', '1+1=2'],
      ],
      files: [],
      sizes: [],
      hour: 7,
      day: 29,
      version: 1,
    });
  });

  it.each([
    ['ampersand, equals, plus and percent', 'a&b=c+d%41 "x" \\y'],
    ['newlines and tabs', 'line1\nline2\r\n\tend'],
    ['control characters and NUL', 'a\u0000b\u0001c\u007f'],
    ['JSON-looking text', '{"ARGS:x":"y"}'],
    ['the frame of the body itself', '&hour=07&day=29'],
    ['fake files anchor', 'x}&files={}&sizes={y'],
    ['astral and accented unicode', 'café 𝔘𝔫𝔦 😀 İ'],
    ['an empty value', ''],
    ['a literal backslash before a quote', '\\"'],
  ])('keeps a value with %s byte for byte', (_label, value) => {
    const request = parseRequestBody(enc(legacyBody([['ARGS:v', value], ['ARGS:after', 'ok']])));
    expect(request.args).toEqual([
      ['ARGS:v', value],
      ['ARGS:after', 'ok'],
    ]);
  });

  it('keeps repeated names (a=1&a=2) in order', () => {
    expect(parseRequestBody(enc(legacyBody([['ARGS:a', '1'], ['ARGS:a', '2']]))).args).toEqual([
      ['ARGS:a', '1'],
      ['ARGS:a', '2'],
    ]);
  });

  it('keeps names the client did not escape, including quotes and "__proto__"', () => {
    const args: Array<[string, string]> = [['ARGS:a"b', 'v1'], ['ARGS:__proto__', 'v2'], ['ARGS:x,y', 'v3']];
    expect(parseRequestBody(enc(legacyBody(args))).args).toEqual(args);
  });

  it('splits a name holding `":"` at the first point that yields a well-formed entry', () => {
    expect(parseLegacyObject('{"ARGS:a":"b":"value"}', 'ARGS')).toEqual([['ARGS:a":"b', 'value']]);
  });

  it('keeps an object whose entries cannot be told apart as one value, never dropping bytes', () => {
    expect(parseLegacyObject('{"broken', 'ARGS')).toEqual([['ARGS', '"broken']]);
    expect(parseLegacyObject('{no quotes}', 'ARGS')).toEqual([['ARGS', 'no quotes']]);
  });

  it('reads files and sizes', () => {
    const body = legacyBody([['ARGS:a', '1']], '&files={"FILES:upload":"a b.png"}&sizes={"FILES_SIZES:upload":"1024"}&hour=23&day=01');
    const request = parseRequestBody(enc(body));
    expect(request.files).toEqual([['FILES:upload', 'a b.png']]);
    expect(request.sizes).toEqual([['FILES_SIZES:upload', 1024]]);
    expect([request.hour, request.day]).toEqual([23, 1]);
  });

  it('accepts bodies of older clients without files and sizes', () => {
    const request = parseRequestBody(enc('method=GET&path=/&args={"ARGS:a":"1"}&hour=00&day=31'));
    expect(request).toMatchObject({ files: [], sizes: [], hour: 0, day: 31, args: [['ARGS:a', '1']] });
  });

  it('keeps an empty args object empty', () => {
    expect(parseRequestBody(enc(legacyBody([]))).args).toEqual([]);
  });

  it('decodes invalid UTF-8 with surrogateescape, like Python', () => {
    const body = Buffer.concat([enc('method=GET&path=/&args={"ARGS:a":"'), Buffer.from([0xff, 0xc3, 0x28]), enc('"}&hour=01&day=02')]);
    expect(parseRequestBody(body).args).toEqual([['ARGS:a', '\udcff\udcc3(']]);
  });

  it('restores $#$ into quotes in values, as placeholder.py did', () => {
    const request = parseLegacyBody('method=GET&path=/&args={"ARGS:q":"say $#$hi$#$"}&hour=01&day=02');
    expect(request.args).toEqual([['ARGS:q', 'say "hi"']]);
  });

  it('tells legacy and url-encoded bodies apart by the raw brace', () => {
    expect(detectBodyFormat(enc('method=GET&path=/&args={}&hour=01&day=02'))).toBe('legacy');
    expect(detectBodyFormat(enc('method=GET&path=%2F&args=%7B%7D&hour=01&day=02'))).toBe('urlencoded');
  });
});

describe('legacy frame', () => {
  it('ignores fields a newer client appends after day', () => {
    const request = parseRequestBody(enc('method=GET&path=/&args={"ARGS:a":"1"}&hour=01&day=02&client=v2&mode=1'));
    expect(request.args).toEqual([['ARGS:a', '1']]);
    expect(request.day).toBe(2);
  });

  it.each([
    ['no method first', 'path=/&args={}&hour=01&day=02', /must start with "method="/],
    ['no path', 'method=GET&args={}&hour=01&day=02', /"path" is missing/],
    ['no args object', 'method=GET&path=/{&hour=01&day=02', /"args" is missing/],
    ['no hour/day tail', 'method=GET&path=/&args={}', /"hour" and "day" must end the body/],
  ])('refuses a body with %s, naming what is missing', (_label, body, message) => {
    expect(() => parseRequestBody(enc(body))).toThrow(message);
  });

  it('refuses an over-long method', () => {
    expect(() => parseRequestBody(enc(`method=${'G'.repeat(300)}&path=/&args={}&hour=01&day=02`))).toThrow(/"method": is longer than 256/);
  });
});
