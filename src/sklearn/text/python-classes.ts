import { DIGIT_RANGES, WORD_RANGES } from './python-tables';

/**
 * CPython's `\w` and `\d` (str patterns) as `v`-flag class contents that V8 matches quickly.
 *
 * Spelling out the 734 ranges of CPython's `\w` makes V8 about ten times slower than a Unicode
 * property class, so we write `\w` as `[\p{L}\p{N}_]` minus the code points this Node's (newer)
 * Unicode adds to it: Python 3.11's set is a strict subset. The subtraction is computed once, at the
 * first use, against the running V8 — exact whatever ICU version Node ships.
 */
let word: string | undefined;
let digit: string | undefined;

/** Contents for `[...]`: exactly CPython 3.11's `\w` in a str pattern. */
export function pythonWordClass(): string {
  word ??= difference('\\p{L}\\p{N}_', WORD_RANGES);
  return word;
}

/** Contents for `[...]`: exactly CPython 3.11's `\d` in a str pattern (Unicode decimal digits). */
export function pythonDigitClass(): string {
  digit ??= difference('\\p{Nd}', DIGIT_RANGES);
  return digit;
}

/** `[property]--[what property matches outside the Python ranges]`, or just the property. */
function difference(property: string, pythonRanges: readonly number[]): string {
  const extra = matchesOutside(new RegExp(`[${property}]`, 'gv'), pythonRanges);
  if (extra.length === 0) return `[${property}]`;
  const escaped = extra.map(([a, b]) => (a === b ? cp(a) : `${cp(a)}-${cp(b)}`)).join('');
  return `[${property}]--[${escaped}]`;
}

function cp(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

/** Ranges of code points outside `ranges` (surrogates excluded) that `re` matches. */
function matchesOutside(re: RegExp, ranges: readonly number[]): [number, number][] {
  // One UTF-16 string holding every code point outside the ranges, scanned natively by the regex.
  const units = new Uint16Array(2 * 0x110000);
  let n = 0;
  let from = 0;
  for (let i = 0; i <= ranges.length; i += 2) {
    const to = i < ranges.length ? ranges[i] - 1 : 0x10ffff;
    for (let c = from; c <= to; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      if (c > 0xffff) {
        units[n++] = 0xd800 + ((c - 0x10000) >> 10);
        units[n++] = 0xdc00 + ((c - 0x10000) & 0x3ff);
      } else units[n++] = c;
    }
    if (i < ranges.length) from = ranges[i + 1] + 1;
  }
  const text = Buffer.from(units.buffer, 0, 2 * n).toString('utf16le');
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) {
    const c = m[0].codePointAt(0) as number;
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === c - 1) last[1] = c;
    else out.push([c, c]);
  }
  return out;
}
