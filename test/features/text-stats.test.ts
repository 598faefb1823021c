import { asciiLower, codePointLength, countMatches, countSubstring, entropy, log2Int } from '../../src/features/text-stats';

describe('codePointLength (Python len)', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['caf\u00e9', 4],
    ['\u{1F600}', 1], // astral: one code point, two UTF-16 units
    ['a\u{1F600}b\u{10FFFF}', 4],
    ['\udc80\udcff', 2], // surrogateescape bytes are lone low surrogates
    ['\ud800', 1],
    ['\ud800x', 2],
    ['\udc00\ud800', 2], // low then high is not a pair
  ])('%j has %i code points', (text, expected) => {
    expect(codePointLength(text)).toBe(expected);
    expect(codePointLength(text)).toBe([...text].length);
  });
});

describe('asciiLower', () => {
  it('lowers A-Z only', () => {
    expect(asciiLower('SELECT * FROM T')).toBe('select * from t');
    expect(asciiLower('plain')).toBe('plain');
  });

  it('leaves the letters where Python and JS lowercasing disagree untouched', () => {
    for (const tricky of ['\u0130', '\u212a', '\u03a3', '\u1e9e', '\uff21']) {
      expect(asciiLower(`X${tricky}`)).toBe(`x${tricky}`);
    }
    // Why it matters: JS lowers U+212A KELVIN SIGN to "k", which would create the word "kill".
    expect('\u212aILL'.toLowerCase()).toBe('kill');
    expect(asciiLower('\u212aILL')).toBe('\u212aill');
  });
});

describe('countSubstring (Python str.count)', () => {
  it('counts non-overlapping occurrences left to right', () => {
    expect(countSubstring('aaaa', 'aa')).toBe(2);
    expect(countSubstring('aaa', 'aa')).toBe(1);
    expect(countSubstring('/a/b/', '/')).toBe(3);
    expect(countSubstring('', '/')).toBe(0);
    expect(countSubstring('.../..', '..')).toBe(2);
  });
});

describe('countMatches', () => {
  it('counts leftmost non-overlapping matches', () => {
    expect(countMatches('%41%4g%2F', /%[0-9A-Fa-f][0-9A-Fa-f]/g)).toBe(2);
    expect(countMatches('\u{1F600}<a<b', /<[a-z]/g)).toBe(2);
  });

  it('refuses a regex without /g, which would count at most one', () => {
    expect(() => countMatches('aa', /a/)).toThrow(TypeError);
  });
});

describe('log2Int', () => {
  it('is exact on powers of two', () => {
    for (let e = 0; e <= 60; e++) expect(log2Int(2 ** e)).toBe(e);
  });

  it('is within 1e-14 relative of Math.log2', () => {
    for (let k = 3; k < 20_000; k += 7) {
      expect(Math.abs(log2Int(k) - Math.log2(k))).toBeLessThanOrEqual(1e-14 * Math.log2(k));
    }
    for (const k of [1e6 + 1, 123456789, 999999999999999, 2 ** 53 + 2]) {
      expect(Math.abs(log2Int(k) - Math.log2(k))).toBeLessThanOrEqual(1e-14 * Math.log2(k));
    }
  });
});

describe('entropy', () => {
  const histogramOf = (text: string) => {
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    return counts;
  };

  it.each([
    ['', 0],
    ['aaaa', 0],
    ['aabb', 1],
    ['abcd', 2],
    ['abcdefgh', 3],
  ])('of %j is %d bits', (text, bits) => {
    expect(entropy(histogramOf(text), [...text].length)).toBeCloseTo(bits, 14);
  });

  it('matches the textbook formula', () => {
    const text = 'the quick brown fox jumps over the lazy dog \u{1F600}\u{1F600}';
    const counts = histogramOf(text);
    const n = [...text].length;
    let textbook = 0;
    for (const c of counts.values()) textbook -= (c / n) * Math.log2(c / n);
    expect(entropy(counts, n)).toBeCloseTo(textbook, 12);
  });
});
