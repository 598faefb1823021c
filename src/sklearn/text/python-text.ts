import { COMBINING_RANGES } from './python-tables';

/**
 * The CPython `str` operations sklearn's analyzers use, with Python's semantics: whitespace is
 * `str.isspace()` (which includes \x1c-\x1f and \x85 but not \ufeff), lengths and slices count code
 * points, not UTF-16 units.
 */

const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUNS_OF_SPACE = new RegExp(`[${SPACE}]{2,}`, 'gu');
const SPLIT_SPACE = new RegExp(`[${SPACE}]+`, 'u');

/** `re.compile(r"\s\s+").sub(" ", text)`: runs of two or more whitespace become one space. */
export function collapseWhitespace(text: string): string {
  return text.replace(RUNS_OF_SPACE, ' ');
}

/** `str.split()` without arguments: split on whitespace runs, dropping empty ends. */
export function pythonSplit(text: string): string[] {
  return text.split(SPLIT_SPACE).filter((part) => part !== '');
}

/**
 * `str.lower()`. JavaScript's `toLowerCase()` applies the same full Unicode mapping (SpecialCasing,
 * final sigma) independent of locale; only characters newer than CPython 3.11's Unicode 14 differ.
 */
export function pythonLower(text: string): string {
  return text.toLowerCase();
}

function isCombining(cp: number): boolean {
  let lo = 0;
  let hi = COMBINING_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < COMBINING_RANGES[2 * mid]) hi = mid - 1;
    else if (cp > COMBINING_RANGES[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * sklearn's `strip_accents_unicode` (feature_extraction/text.py, 1.2.1): ASCII text is returned
 * unchanged; otherwise NFKD, then every code point with a non-zero `unicodedata.combining()` dropped.
 */
export function stripAccentsUnicode(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let out = '';
  for (const ch of text.normalize('NFKD')) if (!isCombining(ch.codePointAt(0) as number)) out += ch;
  return out;
}

/** sklearn's `strip_accents_ascii`: NFKD, then every non-ASCII code point dropped. */
export function stripAccentsAscii(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.normalize('NFKD').replace(/[^\x00-\x7f]/gu, '');
}
