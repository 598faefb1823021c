import { decodeLong, decodeRawUnicodeEscape, decodeStringLiteral, latin1Bytes, parseFloatLine, parseIntLine, pyInt } from '../../src/pickle/decode';

const b = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('pickle value decoders', () => {
  it('pyInt keeps the safe range as number', () => {
    expect(pyInt(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(pyInt(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(2n ** 53n);
    expect(pyInt(-(2n ** 53n))).toBe(-(2n ** 53n));
  });

  it('decodeLong is little-endian two\'s complement at every width', () => {
    expect(decodeLong(new Uint8Array([0x7f]))).toBe(127);
    expect(decodeLong(new Uint8Array([0x80]))).toBe(-128);
    expect(decodeLong(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toBe(2 ** 47 - 1);
    expect(decodeLong(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x80]))).toBe(-(2n ** 63n));
    expect(decodeLong(new Uint8Array([0, 0, 0, 0, 0, 0, 0x10, 0]))).toBe(2 ** 52);
    expect(decodeLong(new Uint8Array([0, 0, 0, 0, 0, 0, 0x20, 0]))).toBe(2n ** 53n);
  });

  it('parseIntLine and parseFloatLine refuse what Python would not write', () => {
    expect(parseIntLine('12x', false)).toBeUndefined();
    expect(parseIntLine('01', false)).toBe(1);
    expect(parseIntLine('-7L', false)).toBe(-7);
    expect(parseFloatLine('1e308')).toBe(1e308);
    expect(parseFloatLine('0x10')).toBeUndefined();
    expect(parseFloatLine('')).toBeUndefined();
  });

  it('raw-unicode-escape and string literals', () => {
    expect(decodeRawUnicodeEscape(b('a\\u00e9\\U0001F600'))).toBe('aé😀');
    expect(decodeRawUnicodeEscape(b('\\u12'))).toBeUndefined();
    expect(decodeRawUnicodeEscape(b('\\U00110000'))).toBeUndefined();
    expect(decodeStringLiteral(b('"a\\tb\\101\\\\"'))).toBe('a\tbA\\');
    expect(decodeStringLiteral(b("'unterminated"))).toBeUndefined();
  });

  it('latin1Bytes refuses characters above U+00FF', () => {
    expect(Array.from(latin1Bytes('\xff\x00') as Uint8Array)).toEqual([255, 0]);
    expect(latin1Bytes('é€')).toBeUndefined();
  });
});
