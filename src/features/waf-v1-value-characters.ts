/**
 * The value_* columns of `waf-v1` (value_letters .. value_entropy_all): the character classes of
 * docs/features.md counted over the argument values and the body, runs of specials, escapes and
 * entropies. The class table and the loop that reads it share this file: isolatedModules keeps tsc
 * from inlining a const enum, and a same-file enum is one lookup less per character than an imported one.
 */
import { CodePointHistogram } from './code-point-histogram';
import { countMatches } from './text-stats';
import { ENTITY_MASK, HEX_MASK, PERCENT_MASK, TRIGGER_BIT, UNICODE_MASK } from './waf-v1-scan';
import { RE_ENTITY, RE_HEX, RE_PERCENT, RE_UNICODE } from './waf-v1-vocabulary';

/** Character classes by code point; see docs/features.md "Character classes". */
const enum CharClass { Letter, Digit, Space, Quote, Angle, Bracket, Separator, OtherSpecial, NonAscii, Control, Plain }
const ASCII_CLASS = new Uint8Array(128).fill(CharClass.Plain);
const setClass = (chars: string, cls: CharClass) => { for (const c of chars) ASCII_CLASS[c.charCodeAt(0)] = cls; };
for (let c = 0; c < 32; c++) ASCII_CLASS[c] = CharClass.Control;
ASCII_CLASS[127] = CharClass.Control;
setClass('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', CharClass.Letter);
setClass('0123456789', CharClass.Digit);
setClass(' \t\n\r\x0b\x0c', CharClass.Space);
setClass('\'"`', CharClass.Quote);
setClass('<>', CharClass.Angle);
setClass('()[]{}', CharClass.Bracket);
setClass(';|&', CharClass.Separator);
setClass('$\\*=#!^~@%', CharClass.OtherSpecial);
const isSpecial = (cls: CharClass) => cls >= CharClass.Quote && cls <= CharClass.OtherSpecial;

/** Scratch histograms, reused: extraction is synchronous, and a typed array per call costs more than the counting. */
const ALL = new CodePointHistogram();
const OWN = new CodePointHistogram();

/**
 * value_letters .. value_entropy_all (18 numbers, not yet log-scaled), over `values`: the argument
 * values, then the body. Pushes each value's length (code points) onto `lengths`.
 */
export function valueCharacterFeatures(values: readonly string[], lengths: number[]): number[] {
  const counts = new Array<number>(CharClass.Plain + 1).fill(0);
  const all = ALL.clear();
  const own = OWN.clear();
  let runMax = 0;
  let total = 0;
  let entropyMax = 0;
  const triggers: number[] = [];
  for (const value of values) {
    let run = 0;
    let seen = 0;
    let length = 0;
    for (let i = 0; i < value.length; i++) {
      // One code point, as Python iterates a str: a valid surrogate pair is one, a lone surrogate itself.
      const code = value.codePointAt(i)!;
      if (code > 0xffff) i++;
      length++;
      own.add(code);
      if (code < 128) seen |= TRIGGER_BIT[code];
      const cls = code < 128 ? (ASCII_CLASS[code] as CharClass) : CharClass.NonAscii;
      counts[cls]++;
      if (isSpecial(cls)) {
        run++;
        if (run > runMax) runMax = run;
      } else run = 0;
    }
    total += length;
    lengths.push(length);
    const h = own.entropy(length);
    if (h > entropyMax) entropyMax = h;
    all.addAll(own);
    own.clear();
    triggers.push(seen);
  }
  const entropyAll = all.entropy(total);
  all.clear();
  const special = counts[CharClass.Quote] + counts[CharClass.Angle] + counts[CharClass.Bracket] +
    counts[CharClass.Separator] + counts[CharClass.OtherSpecial];
  const sumMatches = (regex: RegExp, mask: number) => values.reduce((n, v, i) => ((triggers[i] & mask) === 0 ? n : n + countMatches(v, regex)), 0);
  return [
    counts[CharClass.Letter], counts[CharClass.Digit], counts[CharClass.Space], counts[CharClass.Quote],
    counts[CharClass.Angle], counts[CharClass.Bracket], counts[CharClass.Separator], counts[CharClass.OtherSpecial],
    counts[CharClass.NonAscii], counts[CharClass.Control], total === 0 ? 0 : special / total, runMax,
    sumMatches(RE_PERCENT, PERCENT_MASK), sumMatches(RE_UNICODE, UNICODE_MASK), sumMatches(RE_HEX, HEX_MASK), sumMatches(RE_ENTITY, ENTITY_MASK),
    entropyMax, entropyAll,
  ];
}
