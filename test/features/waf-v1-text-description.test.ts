import { describeText, NAME_PLAIN, PATH_PLAIN } from '../../src/features/waf-v1-text-description';

const describe3 = (text: string, plain: Uint8Array) => [...describeText(text, plain, new Int32Array(3))];
// docs/features.md path_special and arg_name_special: the ASCII characters that are not counted.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const plainOf = (table: Uint8Array) => Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).filter((c) => table[c.charCodeAt(0)] === 1).sort().join('');

describe('waf-v1 text description', () => {
  it('leaves uncounted exactly the characters docs/features.md names for paths and for names', () => {
    expect(plainOf(PATH_PLAIN)).toBe([...`${ALNUM}/._~-`].sort().join(''));
    expect(plainOf(NAME_PLAIN)).toBe([...`${ALNUM}_.-[]`].sort().join(''));
  });

  it('gives [length, outside the plain set, non-ASCII] in code points', () => {
    expect(describe3('/a b/c.php', PATH_PLAIN)).toEqual([10, 1, 0]);
    expect(describe3('q[]', PATH_PLAIN)).toEqual([3, 2, 0]);
    expect(describe3('q[]', NAME_PLAIN)).toEqual([3, 0, 0]);
    // An astral character is one code point, a lone surrogate (a surrogateescape byte) one more.
    expect(describe3('/caf\u00e9/\u{1F600}\udc80', PATH_PLAIN)).toEqual([8, 3, 3]);
    expect(describe3('', NAME_PLAIN)).toEqual([0, 0, 0]);
  });

  it('writes into the array it is given and returns it', () => {
    const out = new Int32Array(3);
    expect(describeText('%', NAME_PLAIN, out)).toBe(out);
    expect([...out]).toEqual([1, 1, 0]);
  });
});
