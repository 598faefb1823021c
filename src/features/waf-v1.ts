/**
 * `waf-v1`, the default feature extractor: 58 numbers per request (docs/features.md lists each one).
 *
 * | field  | ModSecurity variable | type                   | example                     | feeds                          |
 * |--------|----------------------|------------------------|-----------------------------|--------------------------------|
 * | method | REQUEST_METHOD       | string                 | `POST`                      | method_* one-hot               |
 * | path   | REQUEST_FILENAME     | string                 | `/shop/search.php`          | path_*, words_*, pattern_*     |
 * | args   | ARGS                 | ordered (name, value)s | `[["ARGS:q", "1' OR 1=1"]]` | arg_*, value_*, words_*, pattern_* |
 * | files  | FILES                | ordered (name, value)s | `[["FILES:cv", "cv.pdf"]]`  | file_*                         |
 * | sizes  | FILES_SIZES          | ordered (name, bytes)s | `[["FILES_SIZES:cv", 20480]]` | size_*                       |
 * | hour   | TIME_HOUR            | integer 0-23           | `7`                         | hour                           |
 * | day    | TIME_DAY             | integer 1-31           | `29`                        | day                            |
 * | body   | REQUEST_BODY         | string, optional       | `<?xml ...>`                | body_length, value_*, words_*, pattern_* |
 *
 * Every number equals the Python twin's (examples/python/crs_ml_features.py) bit for bit: lengths in
 * code points, ASCII-only lowercasing, ASCII-class regexes, and a log2 built from + - * / only
 * (text-stats.ts). Change nothing here without a new extractor name.
 */
import type { MlRequest } from '../contract/ml-request';
import type { FeatureExtractor } from './feature-extractor';
import { RowMemo, requestKey } from './row-memo';
import { countWords, ENTITY_MASK, HEX_MASK, PATTERN_MASKS, PERCENT_MASK, TRIGGER_BIT, UNICODE_MASK } from './waf-v1-scan';
import { asciiLower, codePointLength, countMatches, countSubstring, forEachCodePoint, log2Int } from './text-stats';
import {
  PATTERNS,
  RE_ENTITY,
  RE_HEX,
  RE_PERCENT,
  RE_UNICODE,
  SCRIPT_EXT,
  SENSITIVE_EXT,
  STATIC_EXT,
  WORD_FAMILIES,
} from './waf-v1-vocabulary';

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** The 58 column names of `waf-v1`, in output order; docs/features.md defines each one. */
export const WAF_V1_FEATURE_NAMES: readonly string[] = Object.freeze([
  ...['get', 'post', 'head', 'put', 'delete', 'patch', 'options', 'other'].map((m) => `method_${m}`),
  ...['length', 'depth', 'ext_class', 'percent_escapes', 'dot_dot', 'special', 'non_ascii'].map((f) => `path_${f}`),
  'arg_count', 'arg_name_length_max', 'arg_name_special', 'arg_value_length_total', 'arg_value_length_max', 'body_length',
  ...['letters', 'digits', 'whitespace', 'quotes', 'angles', 'brackets', 'separators', 'other_special', 'non_ascii',
    'control', 'special_ratio', 'special_run_max', 'percent_escapes', 'unicode_escapes', 'hex_escapes',
    'html_entities', 'entropy_max', 'entropy_all'].map((f) => `value_${f}`),
  ...['sql', 'xss', 'cmd', 'file', 'code'].map((f) => `words_${f}`),
  ...['sql_comment', 'tag_open', 'event_handler', 'traversal', 'command_substitution', 'scheme', 'quote_break'].map(
    (f) => `pattern_${f}`,
  ),
  'file_count', 'file_name_length_max', 'file_risky_ext', 'size_total', 'size_max',
  'hour', 'day',
]);

/**
 * Counts and lengths are reported as log2(1 + n): heavy tails (a 60,000-character value) would
 * otherwise dominate the uniform splits of an IsolationForest. These columns are reported as they are.
 */
const NOT_LOG_SCALED = new Set([
  ...['get', 'post', 'head', 'put', 'delete', 'patch', 'options', 'other'].map((m) => `method_${m}`),
  'path_ext_class', 'value_special_ratio', 'value_entropy_max', 'value_entropy_all', 'hour', 'day',
]);
const LOG_SCALED: readonly boolean[] = WAF_V1_FEATURE_NAMES.map((name) => !NOT_LOG_SCALED.has(name));

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

const asciiTable = (chars: string) => {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
};
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PATH_PLAIN = asciiTable(`${ALNUM}/._~-`);
const NAME_PLAIN = asciiTable(`${ALNUM}_.-[]`);

/**
 * Extension class of the last `/`-segment: 0 none, 1 static, 2 script, 3 sensitive/backup, 4 other.
 * Python twin: `ext_class`.
 */
export function extensionClass(name: string): number {
  const segment = name.slice(name.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  if (dot < 0) return 0;
  const ext = asciiLower(segment.slice(dot + 1));
  if (STATIC_EXT.has(ext)) return 1;
  if (SCRIPT_EXT.has(ext)) return 2;
  if (SENSITIVE_EXT.has(ext)) return 3;
  return 4;
}

const stripPrefix = (name: string, prefix: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
/**
 * One pass over `text`: its length in code points, how many are not ASCII characters marked in
 * `plain` (non-ASCII always count) and how many are non-ASCII, in `out` [length, outside, nonAscii].
 */
const describeText = (text: string, plain: Uint8Array, out: Int32Array) => {
  let length = 0;
  let outside = 0;
  let nonAscii = 0;
  forEachCodePoint(text, (code) => {
    length++;
    if (code >= 128) {
      outside++;
      nonAscii++;
    } else if (plain[code] === 0) outside++;
  });
  out[0] = length;
  out[1] = outside;
  out[2] = nonAscii;
  return out;
};
const TEXT_STATS = new Int32Array(3);
const maxOf = (values: Iterable<number>) => {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
};

/**
 * `waf-v1`: 58 numbers describing method, path, arguments, uploads and time of one request. Exact
 * twin of `extract()` in examples/python/crs_ml_features.py (test/features/parity.test.ts).
 */
export function extractWafV1(request: MlRequest): number[] {
  const { method, path, args, files, sizes, body } = request;
  const names = args.map(([name]) => stripPrefix(name, 'ARGS:'));
  const values = args.map(([, value]) => value);
  if (body !== undefined) values.push(body);

  const row: number[] = METHODS.map((m) => (method === m ? 1 : 0));
  row.push(METHODS.includes(method) ? 0 : 1);

  const pathStats = describeText(path, PATH_PLAIN, TEXT_STATS);
  row.push(pathStats[0], countSubstring(path, '/'), extensionClass(path), path.includes('%') ? countMatches(path, RE_PERCENT) : 0,
    countSubstring(path, '..'), pathStats[1], pathStats[2]);

  let nameLengthMax = 0;
  let nameSpecial = 0;
  for (const name of names) {
    const nameStats = describeText(name, NAME_PLAIN, TEXT_STATS);
    if (nameStats[0] > nameLengthMax) nameLengthMax = nameStats[0];
    nameSpecial += nameStats[1];
  }
  const valueLengths: number[] = []; // in code points, one per value (the body last)
  const valueFeatures = valueCharacterFeatures(values, valueLengths);
  const argLengths = valueLengths.slice(0, args.length);
  row.push(args.length, nameLengthMax, nameSpecial, argLengths.reduce((a, b) => a + b, 0), maxOf(argLengths),
    body === undefined ? 0 : valueLengths[args.length]);

  row.push(...valueFeatures);

  const texts = [path, ...names, ...values].map(asciiLower);
  const wordCounts = WORD_FAMILIES.map(() => 0);
  const triggers = texts.map((text) => countWords(text, wordCounts));
  row.push(...wordCounts);
  PATTERNS.forEach((pattern, i) => {
    const mask = PATTERN_MASKS[i];
    row.push(texts.reduce((n, text, t) => ((triggers[t] & mask) === 0 ? n : n + countMatches(text, pattern)), 0));
  });

  const fileNames = files.map(([, name]) => name);
  let sizeTotal = 0;
  for (const [, size] of sizes) sizeTotal += size;
  row.push(files.length, maxOf(fileNames.map(codePointLength)),
    fileNames.filter((f) => { const c = extensionClass(f); return c === 2 || c === 3; }).length,
    sizeTotal, maxOf(sizes.map(([, size]) => size)), request.hour, request.day);
  for (let i = 0; i < row.length; i++) if (LOG_SCALED[i]) row[i] = log2Int(row[i] + 1);
  return row;
}

/**
 * Code point counts kept in first-seen order, as a Python dict keeps them: the entropy's sum runs in
 * that order, so the float result is the twin's bit for bit. ASCII counts live in a typed array
 * (no Map operation per character on the hot path); other code points in a Map.
 */
class Histogram {
  private readonly ascii = new Int32Array(128);
  private readonly other = new Map<number, number>();
  private readonly order: number[] = [];

  add(code: number, times = 1): void {
    if (code < 128) {
      if (this.ascii[code] === 0) this.order.push(code);
      this.ascii[code] += times;
    } else {
      const n = this.other.get(code);
      if (n === undefined) this.order.push(code);
      this.other.set(code, (n ?? 0) + times);
    }
  }

  /**
   * Adds every count of `other`, in its first-seen order. Adding a value's own histogram after the
   * value gives the same counts and the same first-seen order as adding its code points one by one:
   * a code point new here is new in the value, and its first occurrence there is where it sorts.
   */
  addAll(other: Histogram): void {
    for (const code of other.order) this.add(code, code < 128 ? other.ascii[code] : other.other.get(code)!);
  }

  /** log2(total) - sum(c * log2 c) / total, summed in first-seen order (text-stats.ts `entropy`). */
  entropy(total: number): number {
    if (total === 0) return 0;
    let weighted = 0;
    for (const code of this.order) {
      const c = code < 128 ? this.ascii[code] : this.other.get(code)!;
      weighted += c * log2Int(c);
    }
    return log2Int(total) - weighted / total;
  }

  clear(): this {
    for (const code of this.order) if (code < 128) this.ascii[code] = 0;
    if (this.other.size > 0) this.other.clear();
    if (this.order.length > 0) this.order.length = 0;
    return this;
  }
}
/** Scratch histograms, reused: extraction is synchronous, and a typed array per call costs more than the counting. */
const ALL = new Histogram();
const OWN = new Histogram();

/** value_letters .. value_entropy_all, over argument values and the body; each value's length (code points) into `lengths`. */
function valueCharacterFeatures(values: readonly string[], lengths: number[]): number[] {
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

const MEMO = new RowMemo();

/**
 * The registered `waf-v1` extractor: {@link extractWafV1}, remembering the rows of requests seen
 * again (src/features/row-memo.ts).
 */
export const wafV1: FeatureExtractor = {
  name: 'waf-v1',
  featureNames: WAF_V1_FEATURE_NAMES,
  extract: (request) => MEMO.row(requestKey(request), request, extractWafV1),
};
