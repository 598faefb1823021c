import { SecondSight } from '../../src/memo/second-sight';

describe('SecondSight', () => {
  it('says "seen" from the second time a text comes, whatever came between, slot permitting', () => {
    const door = new SecondSight(8192);
    expect(door.seenBefore('Mozilla/5.0')).toBe(false);
    expect(door.seenBefore('Mozilla/5.0')).toBe(true);
    expect(door.seenBefore('')).toBe(false);
    expect(door.seenBefore('')).toBe(true);
    // Texts that differ in one unit, or only in order, are different texts.
    const texts = Array.from({ length: 200 }, (_, i) => `q=${i}`).concat(['ab', 'ba', 'a\u0000', '\u0000a']);
    const firstTime = texts.map((t) => door.seenBefore(t));
    expect(firstTime.filter((seen) => seen).length).toBeLessThanOrEqual(2); // a collision may let one in early
    expect(texts.map((t) => door.seenBefore(t)).filter((seen) => seen).length).toBeGreaterThan(190);
    expect(() => new SecondSight(1000)).toThrow(RangeError);
  });
});
