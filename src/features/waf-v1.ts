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
 * (text-stats.ts). Change nothing here, nor in the waf-v1-* files and code-point-histogram.ts beside it,
 * without a new extractor name.
 */
import type { MlRequest } from '../contract/ml-request';
import type { FeatureExtractor } from './feature-extractor';
import { RowMemo, requestKey } from './row-memo';
import { asciiLower, codePointLength, countMatches, countSubstring, log2Int } from './text-stats';
import { WAF_V1_FEATURE_NAMES, WAF_V1_LOG_SCALED, WAF_V1_METHODS as METHODS } from './waf-v1-feature-names';
import { countWords, PATTERN_MASKS } from './waf-v1-scan';
import { describeText, extensionClass, NAME_PLAIN, PATH_PLAIN } from './waf-v1-text-description';
import { valueCharacterFeatures } from './waf-v1-value-characters';
import { PATTERNS, RE_PERCENT, WORD_FAMILIES } from './waf-v1-vocabulary';

// Part of the extractor's public names since before they had files of their own.
export { extensionClass, WAF_V1_FEATURE_NAMES };

const stripPrefix = (name: string, prefix: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
/** describeText's answer, reused: extraction is synchronous. */
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
  for (let i = 0; i < row.length; i++) if (WAF_V1_LOG_SCALED[i]) row[i] = log2Int(row[i] + 1);
  return row;
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
