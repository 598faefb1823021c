import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Estimator } from '../../../src/sklearn/base';
import { loadEstimator } from '../../../src/sklearn/build-estimator';
import { LogisticRegression } from '../../../src/sklearn/linear/logistic-regression';
import type { DenseMatrix, EstimatorInput } from '../../../src/sklearn/matrix';
import { FeatureUnion } from '../../../src/sklearn/pipeline/feature-union';
import { fuseTextLinear } from '../../../src/sklearn/pipeline/fused-text-linear';
import { Pipeline } from '../../../src/sklearn/pipeline/pipeline';
import { buildAnalyzer, type AnalyzerState } from '../../../src/sklearn/text/analyzer';
import { CountVectorizer } from '../../../src/sklearn/text/count-vectorizer';
import { TfidfTransformer, type TfidfTransformerState } from '../../../src/sklearn/text/tfidf-transformer';
import { TfidfVectorizer } from '../../../src/sklearn/text/tfidf-vectorizer';
import { prng } from '../../helpers/prng';

/**
 * The fused text scorer (char n-gram TF-IDF -> linear classifier, straight from the texts) must give
 * the general path's floats to the last bit: the general path (vectorizer.transform, then the
 * classifier on the CSR matrix) is the one checked against scikit-learn 1.2, 1.4 and 1.9 by the fixtures.
 */

const STRESS_TEXTS = [
  '',
  ' ',
  "1' OR 1=1 -- ",
  '<script>alert(1)</script>',
  'Ünïcödé ΣΑΣ straße İstanbul',
  'tabs\tand\n\nnewlines\x85\x1c  runs   of    space',
  'emoji 😀😀 pairs 𝔘𝔫𝔦',
  'lone \udc80\udcff surrogates \ud800 x',
  '/etc/passwd%00../../',
  'a',
  'ab',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
];

function bits(x: Float64Array | DenseMatrix): number[] {
  return Array.from(x instanceof Float64Array ? x : x.data);
}

/** decision_function through the general path: the vectorizer's CSR matrix, then the classifier. */
function general(transformer: Estimator, final: LogisticRegression, docs: string[]): Float64Array | DenseMatrix {
  return final.decisionFunction((transformer.transform as (x: EstimatorInput) => EstimatorInput).call(transformer, docs));
}

describe('committed text pipelines that fuse give the general path bit for bit', () => {
  const roots = ['models', '1.4/models', '1.9/models'].map((v) => path.resolve(__dirname, '../../fixtures/sklearn', v));
  let fused = 0;
  for (const root of roots) {
    const cases = JSON.parse(readFileSync(path.join(root, 'text.json'), 'utf8')) as Array<{ name: string; model: string; input: unknown[]; outputs?: object }>;
    for (const c of cases.filter((x) => x.outputs !== undefined && typeof x.input[0] === 'string')) {
      const estimator = loadEstimator(path.join(root, c.model));
      if (!(estimator instanceof Pipeline) || fuseTextLinear(estimator.transformers, estimator.final) === undefined) continue;
      fused++;
      it(`${path.basename(path.dirname(root))}/${c.name}`, () => {
        const docs = [...(c.input as string[]), ...STRESS_TEXTS];
        const final = estimator.final as LogisticRegression;
        expect(bits(estimator.decisionFunction!(docs))).toEqual(bits(general(estimator.transformers[0], final, docs)));
      });
    }
  }
  it('finds fused pipelines among the fixtures', () => expect(fused).toBeGreaterThanOrEqual(3));
});


const ALPHABET = ['a', 'b', 'c', 'A', 'B', ' ', '  ', '\t', "'", '=', '1', '<', '/', 'é', 'Σ', '😀', '\udc80', '\x85'];

function text(rand: () => number, max: number): string {
  let out = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return out;
}

/** A vectorizer whose vocabulary is most n-grams of a corpus (some dropped, so prefixes go missing). */
function vectorizer(rand: () => number, analyzer: 'char' | 'char_wb', range: [number, number], tfidf: Omit<TfidfTransformerState, 'idf_'> | null, lowercase: boolean, binary: boolean): CountVectorizer {
  const state: AnalyzerState = { analyzer, lowercase, strip_accents: null, token_pattern: null, stop_words: null, ngram_range: range };
  const analyze = buildAnalyzer(state);
  const vocabulary = new Map<string, number>();
  for (let d = 0; d < 60; d++) for (const gram of analyze(text(rand, 30))) if (!vocabulary.has(gram) && rand() < 0.8) vocabulary.set(gram, vocabulary.size);
  const full = { ...state, vocabulary_: vocabulary, binary };
  if (tfidf === null) return new CountVectorizer('sklearn.feature_extraction.text.CountVectorizer', full);
  const idf = tfidf.use_idf ? Float64Array.from({ length: vocabulary.size }, () => 1 + 5 * rand()) : null;
  const transformer = new TfidfTransformer('sklearn.feature_extraction.text.TfidfTransformer', { ...tfidf, idf_: idf });
  return new TfidfVectorizer('sklearn.feature_extraction.text.TfidfVectorizer', full, transformer);
}

function classifier(rand: () => number, width: number, classes: number): LogisticRegression {
  const rows = classes === 2 ? 1 : classes;
  return new LogisticRegression(
    'sklearn.linear_model._logistic.LogisticRegression',
    {
      coef_: Float64Array.from({ length: rows * width }, () => 4 * rand() - 2),
      intercept_: Float64Array.from({ length: rows }, () => rand() - 0.5),
      classes_: Array.from({ length: classes }, (_, i) => i),
      multi_class: 'auto',
      solver: 'lbfgs',
    },
    '1.2.1',
  );
}

describe('generated vectorizers: every analyzer option fused equals the general path bit for bit', () => {
  const settings = [
    { analyzer: 'char', range: [1, 5], tfidf: { norm: 'l2', use_idf: true, sublinear_tf: true } },
    { analyzer: 'char', range: [2, 4], tfidf: { norm: 'l1', use_idf: true, sublinear_tf: false } },
    { analyzer: 'char', range: [1, 1], tfidf: { norm: 'max', use_idf: false, sublinear_tf: true } },
    { analyzer: 'char', range: [3, 5], tfidf: { norm: null, use_idf: true, sublinear_tf: false } },
    { analyzer: 'char', range: [1, 3], tfidf: null },
    { analyzer: 'char_wb', range: [1, 5], tfidf: { norm: 'l2', use_idf: true, sublinear_tf: true } },
    { analyzer: 'char_wb', range: [3, 6], tfidf: { norm: 'l2', use_idf: false, sublinear_tf: false } },
    { analyzer: 'char_wb', range: [2, 2], tfidf: null },
    // minN above a short word's padded length: sklearn still emits the whole word once
    { analyzer: 'char_wb', range: [5, 6], tfidf: { norm: 'l2', use_idf: true, sublinear_tf: true } },
  ] as const;
  let seed = 1;
  for (const s of settings) {
    for (const [lowercase, binary, classes] of [
      [true, false, 2],
      [false, true, 3],
    ] as const) {
      const name = `${s.analyzer} ${s.range.join('-')} ${JSON.stringify(s.tfidf)} lowercase=${lowercase} binary=${binary} classes=${classes}`;
      const rand = prng(seed++);
      it(name, () => {
        const vec = vectorizer(rand, s.analyzer, [...s.range], s.tfidf, lowercase, binary);
        const final = classifier(rand, vec.nFeaturesOut, classes);
        const pipeline = new Pipeline('sklearn.pipeline.Pipeline', [vec], final);
        expect(fuseTextLinear([vec], final)).toBeDefined();
        const docs = [...STRESS_TEXTS, ...Array.from({ length: 40 }, () => text(rand, 60))];
        expect(bits(pipeline.decisionFunction!(docs))).toEqual(bits(general(vec, final, docs)));
        expect(pipeline.predictProba!(docs).data).toEqual(final.predictProba(vec.transform(docs)).data);
      });
    }
  }

  it('a FeatureUnion of char and char_wb parts with transformer_weights', () => {
    const rand = prng(99);
    const a = vectorizer(rand, 'char', [1, 4], { norm: 'l2', use_idf: true, sublinear_tf: true }, true, false);
    const b = vectorizer(rand, 'char_wb', [2, 5], { norm: 'l2', use_idf: true, sublinear_tf: false }, true, false);
    const union = new FeatureUnion('sklearn.pipeline.FeatureUnion', [
      { name: 'char', transformer: a, weight: 0.7 },
      { name: 'wb', transformer: b, weight: undefined },
    ]);
    const final = classifier(rand, a.nFeaturesOut + b.nFeaturesOut, 2);
    const pipeline = new Pipeline('sklearn.pipeline.Pipeline', [union], final);
    expect(fuseTextLinear([union], final)).toBeDefined();
    const docs = [...STRESS_TEXTS, ...Array.from({ length: 40 }, () => text(rand, 60))];
    expect(bits(pipeline.decisionFunction!(docs))).toEqual(bits(general(union, final, docs)));
  });

  it('a FeatureUnion of a word part (its own transform) and a char part', () => {
    const rand = prng(42);
    const wordState = { analyzer: 'word', lowercase: true, strip_accents: null, token_pattern: '(?u)\\b\\w\\w+\\b', stop_words: null, ngram_range: [1, 2] as [number, number] };
    const analyze = buildAnalyzer(wordState);
    const vocabulary = new Map<string, number>();
    for (let d = 0; d < 60; d++) for (const gram of analyze(`${text(rand, 30)} select union from abc ab`)) if (!vocabulary.has(gram)) vocabulary.set(gram, vocabulary.size);
    const idf = Float64Array.from({ length: vocabulary.size }, () => 1 + 3 * rand());
    const word = new TfidfVectorizer('sklearn.feature_extraction.text.TfidfVectorizer', { ...wordState, vocabulary_: vocabulary, binary: false },
      new TfidfTransformer('sklearn.feature_extraction.text.TfidfTransformer', { norm: 'l2', use_idf: true, sublinear_tf: true, idf_: idf }));
    const char = vectorizer(rand, 'char_wb', [1, 4], { norm: 'l2', use_idf: true, sublinear_tf: true }, true, false);
    const union = new FeatureUnion('sklearn.pipeline.FeatureUnion', [
      { name: 'word', transformer: word, weight: 2 },
      { name: 'char', transformer: char, weight: undefined },
    ]);
    for (const classes of [2, 3]) {
      const final = classifier(rand, word.nFeaturesOut + char.nFeaturesOut, classes);
      expect(fuseTextLinear([union], final)).toBeDefined();
      const pipeline = new Pipeline('sklearn.pipeline.Pipeline', [union], final);
      const docs = [...STRESS_TEXTS, 'select ab from abc', ...Array.from({ length: 40 }, () => `${text(rand, 40)} union abc`)];
      expect(bits(pipeline.decisionFunction!(docs))).toEqual(bits(general(union, final, docs)));
    }
  });

  it('leaves word analyzers and mismatched widths to the general path', () => {
    const rand = prng(7);
    const char = vectorizer(rand, 'char', [1, 2], null, true, false);
    expect(fuseTextLinear([char], classifier(rand, char.nFeaturesOut + 1, 2))).toBeUndefined();
    const word = new CountVectorizer('sklearn.feature_extraction.text.CountVectorizer', {
      analyzer: 'word', lowercase: true, strip_accents: null, token_pattern: '(?u)\\b\\w\\w+\\b', stop_words: null, ngram_range: [1, 1],
      vocabulary_: new Map([['ab', 0]]), binary: false,
    });
    expect(fuseTextLinear([word], classifier(rand, 1, 2))).toBeUndefined();
  });

  it('refuses non-finite features as the general path does (a tampered idf_)', () => {
    const rand = prng(3);
    const vec = vectorizer(rand, 'char', [1, 2], { norm: 'l2', use_idf: true, sublinear_tf: false }, true, false);
    (vec.tfidfSettings!.idf_ as Float64Array).fill(Infinity);
    const final = classifier(rand, vec.nFeaturesOut, 2);
    const pipeline = new Pipeline('sklearn.pipeline.Pipeline', [vec], final);
    expect(() => pipeline.decisionFunction!(['ab'])).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT_INVALID' }));
  });
});
