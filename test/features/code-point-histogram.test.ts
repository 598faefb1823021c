import { CodePointHistogram } from '../../src/features/code-point-histogram';
import { entropy, forEachCodePoint } from '../../src/features/text-stats';
import { prng } from '../helpers/prng';

const ALPHABET = ['a', 'b', 'Z', ' ', '<', '\u00e9', '\u4e2d', '\u{1F600}', '\udc80', '\u0000'];
const randomText = (random: () => number) =>
  Array.from({ length: Math.floor(random() * 40) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
/** The plain computation: a Map in first-seen order, as a Python dict. */
const mapOf = (text: string) => {
  const counts = new Map<number, number>();
  forEachCodePoint(text, (code) => counts.set(code, (counts.get(code) ?? 0) + 1));
  return counts;
};
const histogramOf = (text: string, h = new CodePointHistogram()) => {
  forEachCodePoint(text, (code) => h.add(code));
  return h;
};
const totalOf = (counts: Map<number, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

describe('CodePointHistogram', () => {
  it("gives text-stats' entropy of a Map in first-seen order, bit for bit", () => {
    const random = prng(2024);
    for (let n = 0; n < 300; n++) {
      const text = randomText(random);
      const counts = mapOf(text);
      expect(histogramOf(text).entropy(totalOf(counts))).toBe(entropy(counts, totalOf(counts)));
    }
  });

  it('merged from per-text histograms, equals counting every text one code point at a time', () => {
    const random = prng(7);
    for (let n = 0; n < 100; n++) {
      const texts = Array.from({ length: 1 + Math.floor(random() * 4) }, () => randomText(random));
      const merged = new CodePointHistogram();
      for (const text of texts) merged.addAll(histogramOf(text));
      const counts = mapOf(texts.join(''));
      expect(merged.entropy(totalOf(counts))).toBe(entropy(counts, totalOf(counts)));
    }
  });

  it('is 0 when empty, and empty again after clear', () => {
    const h = histogramOf('aab\u00e9\u{1F600}');
    expect(h.entropy(5)).toBeGreaterThan(0);
    expect(h.clear().entropy(0)).toBe(0);
    histogramOf('cccc', h);
    expect(h.entropy(4)).toBe(0); // only c: nothing left of a, b or the non-ASCII counts
    h.add(0x1F600, 4);
    expect(h.entropy(8)).toBe(1);
  });
});
