/**
 * String helpers whose results are identical, bit for bit, to the Python twin
 * (examples/python/crs_ml_features.py). Each one names the Python expression it mirrors.
 */

/** `len(text)` in Python: code points, a lone surrogate counting as one. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    if (text.codePointAt(i)! > 0xffff) i++;
  }
  return length;
}

/**
 * ASCII-only lowercasing, `text.translate({65..90: +32})` in Python. Neither `str.lower()` nor
 * `toLowerCase()` is used: they disagree on some non-ASCII letters (final sigma, U+0130 ...).
 */
export function asciiLower(text: string): string {
  if (!/[A-Z]/.test(text)) return text;
  // On pure ASCII, toLowerCase maps exactly A-Z (and is much faster than a replace callback).
  return /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/**
 * Calls `visit` with each code point of `text`, in order, the way Python iterates a str: a valid
 * surrogate pair is one code point, a lone surrogate is itself.
 */
export function forEachCodePoint(text: string, visit: (code: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    // codePointAt joins a valid pair and returns a lone surrogate as it is, as Python counts.
    const code = text.codePointAt(i)!;
    if (code > 0xffff) i++;
    visit(code);
  }
}

/** `text.count(sub)` in Python: non-overlapping occurrences, scanning left to right. */
export function countSubstring(text: string, sub: string): number {
  let count = 0;
  for (let at = text.indexOf(sub); at >= 0; at = text.indexOf(sub, at + sub.length)) count++;
  return count;
}

/**
 * `len(regex.findall(text))` in Python. The patterns use explicit ASCII classes and never match
 * the empty string, so scanning UTF-16 units (JS) or code points (Python) finds the same matches.
 */
export function countMatches(text: string, regex: RegExp): number {
  if (!regex.global) throw new TypeError(`countMatches needs a /g regex, got ${regex}`);
  return text.match(regex)?.length ?? 0;
}

const INV_LN2 = 1.4426950408889634;
const SERIES_TERMS = 24;
const SMALL = 1 << 16;
/** log2Int of 1..65535, filled on first use (NaN = not yet computed). */
const smallLog2 = new Float64Array(SMALL).fill(NaN);
const log2Cache = new Map<number, number>();

/**
 * log2 of a positive integer (any integral double) using only IEEE-754 + - * / (correctly rounded in both languages), so
 * no difference between V8's and glibc's `log2` can leak into a feature. k = m * 2^e, m in [1, 2);
 * ln(m) = 2 atanh(t), t = (m - 1) / (m + 1) < 1/3, 24 odd terms summed smallest first.
 * Python twin: `_log2_int`. Accurate to ~4e-15 (checked against libm for k < 2e5).
 */
export function log2Int(k: number): number {
  const isSmall = k >= 1 && k < SMALL && (k | 0) === k;
  if (isSmall && !Number.isNaN(smallLog2[k])) return smallLog2[k];
  const cached = log2Cache.get(k);
  if (cached !== undefined) return cached;
  let e = 0;
  let p = 1;
  while (p * 2 <= k) {
    p *= 2;
    e++;
  }
  const m = k / p;
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  const powers: number[] = [];
  let power = t;
  for (let n = 0; n < SERIES_TERMS; n++) {
    powers.push(power);
    power *= t2;
  }
  let series = 0;
  for (let n = SERIES_TERMS - 1; n >= 0; n--) series += powers[n] / (2 * n + 1);
  const result = e + 2 * series * INV_LN2;
  if (isSmall) smallLog2[k] = result;
  else if (log2Cache.size < 100_000) log2Cache.set(k, result);
  return result;
}

/**
 * Shannon entropy in bits of a histogram of `total` items, summed in the Map's insertion order
 * (first occurrence, like a Python dict): log2(total) - sum(c * log2 c) / total.
 */
export function entropy(counts: ReadonlyMap<unknown, number>, total: number): number {
  if (total === 0) return 0;
  let weighted = 0;
  for (const c of counts.values()) weighted += c * log2Int(c);
  return log2Int(total) - weighted / total;
}
