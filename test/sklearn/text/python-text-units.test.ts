import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAnalyzer, type AnalyzerState } from '../../../src/sklearn/text/analyzer';
import { murmurhash3Signed } from '../../../src/sklearn/text/murmurhash3';
import { findAll } from '../../../src/sklearn/text/python-findall';
import { translatePythonRegex } from '../../../src/sklearn/text/python-regex';
import { pythonLower, stripAccentsAscii, stripAccentsUnicode } from '../../../src/sklearn/text/python-text';
import { ENGLISH_STOP_WORDS } from '../../../src/sklearn/text/python-tables';

// CPython 3.11 / sklearn 1.2.1 answers for the text building blocks, written by
// test/fixtures/sklearn/generate_models.py into text-units.json. Everything here is exact (strings, ints).
interface Units {
  murmurhash3_32: [string, number][];
  findall: [string, [string, (string | string[])[]][]][];
  strip_accents_unicode: [string, string][];
  strip_accents_ascii: [string, string][];
  lower: [string, string][];
  analyzers: [Record<string, unknown>, [string, string[]][]][];
}
const units = JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/sklearn/models/text-units.json'), 'utf8')) as Units;

describe('murmurhash3_32 (signed, seed 0, UTF-8 bytes) equals sklearn.utils.murmurhash3_32', () => {
  it.each(units.murmurhash3_32)('%j -> %d', (text, expected) => {
    expect(murmurhash3Signed(text)).toBe(expected);
  });
});

describe('Python re.findall through the translated pattern', () => {
  for (const [pattern, cases] of units.findall) {
    it(`${pattern}`, () => {
      const re = translatePythonRegex(pattern);
      for (const [text, expected] of cases) expect([text, findAll(re, text)]).toEqual([text, expected]);
    });
  }
});

describe('CPython str operations', () => {
  it.each(units.lower)('lower(%j)', (text, expected) => expect(pythonLower(text)).toBe(expected));
  it.each(units.strip_accents_unicode)('strip_accents_unicode(%j)', (text, expected) => expect(stripAccentsUnicode(text)).toBe(expected));
  it.each(units.strip_accents_ascii)('strip_accents_ascii(%j)', (text, expected) => expect(stripAccentsAscii(text)).toBe(expected));
});

describe('build_analyzer() features, in order', () => {
  for (const [params, cases] of units.analyzers) {
    it(JSON.stringify(params), () => {
      const state: AnalyzerState = {
        analyzer: (params.analyzer as string) ?? 'word',
        lowercase: params.lowercase !== false,
        strip_accents: (params.strip_accents as string | undefined) ?? null,
        token_pattern: null,
        stop_words: params.stop_words === 'english' ? ENGLISH_STOP_WORDS : null,
        ngram_range: (params.ngram_range as [number, number] | undefined) ?? [1, 1],
      };
      const analyze = buildAnalyzer(state);
      for (const [text, expected] of cases) expect([text, analyze(text)]).toEqual([text, expected]);
    });
  }
});

describe('patterns outside the supported Python subset are refused, not approximated', () => {
  it.each([
    ['(?x) \\w+  # verbose'],
    ['(?m)^\\w+'],
    ['(?i:abc)'],
    ['\\w++'],
    ['(?>abc)'],
    ['(?(1)a|b)'],
    ['\\N{LATIN SMALL LETTER A}'],
    ['\\12'],
    ['\\q'],
    ['(abc'],
  ])('%j -> UNSUPPORTED_ESTIMATOR', (pattern) => {
    expect(() => translatePythonRegex(pattern)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_ESTIMATOR' }));
  });
});
