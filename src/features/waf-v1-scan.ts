/**
 * The scans behind waf-v1's word and pattern columns (src/features/waf-v1.ts): one pass per text
 * counts the vocabulary's words and collects the characters without which a pattern cannot match,
 * so the regexes run only on texts that can match. Same counts as the plain regexes
 * (test/features/waf-v1.test.ts compares them on generated texts).
 */
import { PATTERN_TRIGGERS, VALUE_PATTERN_TRIGGERS, WORD_FAMILIES } from './waf-v1-vocabulary';

/** Word -> indices of the families holding it (a word may be in two, e.g. `exec`). */
const FAMILIES_OF_WORD = new Map<string, number[]>();
WORD_FAMILIES.forEach((family, i) => {
  for (const word of family) FAMILIES_OF_WORD.set(word, [...(FAMILIES_OF_WORD.get(word) ?? []), i]);
});
const WORD_LENGTHS = [...FAMILIES_OF_WORD.keys()].map((word) => word.length);
const SHORTEST_WORD = Math.min(...WORD_LENGTHS);
const LONGEST_WORD = Math.max(...WORD_LENGTHS);
/** `[a-z0-9_]`, the characters of RE_WORD. */
const WORD_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789_') WORD_CHAR[c.charCodeAt(0)] = 1;

/**
 * Adds the family counts of the words of a lowercased `text` (`text.match(RE_WORD)` and a lookup
 * per word, without building the array of words or looking up a word too short or too long to be
 * one of ours) and returns the trigger characters it holds (TRIGGER_BIT): one pass for both.
 */
export function countWords(text: string, counts: number[]): number {
  let triggers = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 128;
    if (code < 128) {
      if (WORD_CHAR[code] === 1) {
        if (start < 0) start = i;
        continue;
      }
      triggers |= TRIGGER_BIT[code];
    }
    if (start < 0) continue;
    const length = i - start;
    if (length >= SHORTEST_WORD && length <= LONGEST_WORD) {
      const families = FAMILIES_OF_WORD.get(text.slice(start, i));
      if (families !== undefined) for (const f of families) counts[f]++;
    }
    start = -1;
  }
  return triggers;
}

/** One bit per trigger character of PATTERN_TRIGGERS and VALUE_PATTERN_TRIGGERS, by ASCII code. */
export const TRIGGER_BIT = new Uint32Array(128);
let triggerCount = 0;
const triggerMask = (chars: string) => {
  let mask = 0;
  for (const c of chars) {
    const code = c.charCodeAt(0);
    if (TRIGGER_BIT[code] === 0) TRIGGER_BIT[code] = 1 << triggerCount++;
    mask |= TRIGGER_BIT[code];
  }
  return mask;
};
/** Per pattern of PATTERNS, the TRIGGER_BIT bits of its trigger characters. */
export const PATTERN_MASKS = PATTERN_TRIGGERS.map(triggerMask);
// countWords collects triggers from the characters between words only.
if (PATTERN_TRIGGERS.join('').split('').some((c) => WORD_CHAR[c.charCodeAt(0)] === 1)) throw new Error('a pattern trigger is a word character');
/** The TRIGGER_BIT bits of RE_PERCENT's, RE_UNICODE's, RE_HEX's and RE_ENTITY's trigger characters. */
export const [PERCENT_MASK, UNICODE_MASK, HEX_MASK, ENTITY_MASK] = VALUE_PATTERN_TRIGGERS.map(triggerMask);
