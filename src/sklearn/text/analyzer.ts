import type { PyValue } from '../../pickle/python-value';
import { UnsupportedEstimatorError } from '../errors';
import type { StateReader } from '../state-reader';
import { ENGLISH_STOP_WORDS } from './python-tables';
import { findAll } from './python-findall';
import { translatePythonRegex } from './python-regex';
import { collapseWhitespace, pythonLower, pythonSplit, stripAccentsAscii, stripAccentsUnicode } from './python-text';

/** The `_VectorizerMixin` parameters that decide how a document becomes features (pickled names). */
export interface AnalyzerState {
  analyzer: string;
  lowercase: boolean;
  strip_accents: string | null;
  token_pattern: string | null;
  stop_words: ReadonlySet<string> | null;
  ngram_range: readonly [number, number];
}

/** A document -> its features (n-grams), in sklearn's order. */
export type Analyzer = (doc: string) => string[];

/**
 * Reads the analyzer parameters. Python callables (`analyzer`, `preprocessor`, `tokenizer`,
 * `strip_accents`) are code, not data: refused with UnsupportedEstimatorError.
 */
export function readAnalyzerState(reader: StateReader, sklearnVersion: string | undefined): AnalyzerState {
  const refuse = (what: string) =>
    new UnsupportedEstimatorError(reader.pythonClass, sklearnVersion, `${what} is Python code, which is never run here; use the built-in options instead`);
  for (const name of ['preprocessor', 'tokenizer']) if (reader.has(name) && reader.value(name) !== null) throw refuse(`a custom ${name}`);
  const analyzer = reader.value('analyzer');
  if (typeof analyzer !== 'string') throw refuse('a callable analyzer');
  if (!['word', 'char', 'char_wb'].includes(analyzer)) throw reader.error('analyzer', `unknown analyzer "${analyzer}"`);
  const input = reader.has('input') ? reader.value('input') : 'content';
  if (input !== 'content') {
    throw new UnsupportedEstimatorError(reader.pythonClass, sklearnVersion, `input="${String(input)}" reads files; only input="content" (the text itself) is supported`);
  }
  const strip = reader.has('strip_accents') ? reader.value('strip_accents') : null;
  if (strip !== null && strip !== 'ascii' && strip !== 'unicode') throw refuse('a callable strip_accents');
  const range = reader.list('ngram_range').map(Number);
  if (range.length !== 2 || !range.every(Number.isInteger) || range[0] < 1 || range[0] > range[1]) {
    throw reader.error('ngram_range', `expected (min_n, max_n) with 1 <= min_n <= max_n, got (${range.join(', ')})`);
  }
  return {
    analyzer,
    lowercase: reader.value('lowercase') === true,
    strip_accents: strip,
    token_pattern: reader.has('token_pattern') && reader.value('token_pattern') !== null ? reader.string('token_pattern') : null,
    stop_words: analyzer === 'word' ? stopWords(reader.has('stop_words') ? reader.value('stop_words') : null, reader) : null,
    ngram_range: [range[0], range[1]],
  };
}

/** `_check_stop_list`: "english" -> sklearn's list, a list/set -> that set, None -> none. */
function stopWords(value: PyValue, reader: StateReader): ReadonlySet<string> | null {
  if (value === null) return null;
  if (value === 'english') return ENGLISH_STOP_WORDS;
  if (typeof value === 'string') throw reader.error('stop_words', `"${value}" is not a supported stop word list`);
  const items = value instanceof Set ? [...value] : Array.isArray(value) ? value : reader.list('stop_words');
  return new Set(items.map(String));
}

/**
 * sklearn's `build_analyzer` (feature_extraction/text.py, 1.2.1): lowercase, then strip accents, then
 * `_word_ngrams` over `token_pattern` tokens minus stop words, `_char_ngrams`, or `_char_wb_ngrams`.
 */
export function buildAnalyzer(state: AnalyzerState): Analyzer {
  const preprocess = buildPreprocessor(state);
  const [minN, maxN] = state.ngram_range;
  if (state.analyzer === 'char') return (doc) => charNgrams(preprocess(doc), minN, maxN);
  if (state.analyzer === 'char_wb') return (doc) => charWbNgrams(preprocess(doc), minN, maxN);
  const pattern = translatePythonRegex(state.token_pattern ?? '(?u)\\b\\w\\w+\\b');
  if (pattern.groups > 1) {
    throw new UnsupportedEstimatorError('token_pattern', undefined, `"${state.token_pattern}" has ${pattern.groups} capturing groups; sklearn allows at most one`);
  }
  return (doc) => {
    let tokens = findAll(pattern, preprocess(doc));
    if (state.stop_words !== null) tokens = tokens.filter((t) => !(state.stop_words as ReadonlySet<string>).has(t));
    return wordNgrams(tokens, minN, maxN);
  };
}

/** `build_preprocessor`: lowercase (when asked), then strip accents (when asked). */
export function buildPreprocessor(state: AnalyzerState): (doc: string) => string {
  return (doc) => {
    let out = state.lowercase ? pythonLower(doc) : doc;
    if (state.strip_accents === 'ascii') out = stripAccentsAscii(out);
    else if (state.strip_accents === 'unicode') out = stripAccentsUnicode(out);
    return out;
  };
}

/** `_word_ngrams`: unigrams as they are, longer n-grams joined by one space. */
export function wordNgrams(tokens: string[], minN: number, maxN: number): string[] {
  if (maxN === 1) return tokens;
  const out = minN === 1 ? [...tokens] : [];
  const from = minN === 1 ? 2 : minN;
  for (let n = from; n <= Math.min(maxN, tokens.length); n++) {
    for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  }
  return out;
}

/**
 * UTF-16 offsets of the code point boundaries of `text` (length = code points + 1), so that the
 * code point slice [i, j) is `text.slice(at[i], at[j])` — Python's `text[i:j]`.
 */
function codePointOffsets(text: string): Int32Array {
  const at = new Int32Array(text.length + 1);
  let n = 0;
  for (let u = 0; u < text.length; u++) {
    at[n++] = u;
    if (text.codePointAt(u)! > 0xffff) u++; // a valid surrogate pair is one code point
  }
  at[n] = text.length;
  return at.subarray(0, n + 1);
}

/** `_char_ngrams`: whitespace runs collapsed, then every code point n-gram. */
export function charNgrams(text: string, minN: number, maxN: number): string[] {
  const t = collapseWhitespace(text);
  const at = codePointOffsets(t);
  const len = at.length - 1;
  const out: string[] = [];
  if (minN === 1) for (let i = 0; i < len; i++) out.push(t.slice(at[i], at[i + 1]));
  const from = minN === 1 ? 2 : minN;
  for (let n = from; n <= Math.min(maxN, len); n++) {
    for (let i = 0; i + n <= len; i++) out.push(t.slice(at[i], at[i + n]));
  }
  return out;
}

/**
 * `_char_wb_ngrams`: n-grams inside each space-padded word; a word shorter than n yields itself once
 * and stops the larger n for that word (sklearn's `if offset == 0: break`).
 */
export function charWbNgrams(text: string, minN: number, maxN: number): string[] {
  const out: string[] = [];
  for (const word of pythonSplit(collapseWhitespace(text))) {
    const w = ` ${word} `;
    const at = codePointOffsets(w);
    const len = at.length - 1;
    for (let n = minN; n <= maxN; n++) {
      let offset = 0;
      out.push(w.slice(at[offset], at[Math.min(offset + n, len)]));
      while (offset + n < len) {
        offset++;
        out.push(w.slice(at[offset], at[offset + n]));
      }
      if (offset === 0) break;
    }
  }
  return out;
}
