import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadModelFile, loadPickle, PyObject } from '../../src/pickle';
import { utf8 } from '../../src/pickle/decode';
import { runEstimatorCases } from '../sklearn/run-estimator-cases';

// Fixtures: test/fixtures/pickle/surrogates/generate.py (CPython 3.11.2, sklearn 1.2.1; the value
// pickles are byte-identical from CPython 3.14, checked with --only-values under /opt/sid).
const DIR = path.resolve(__dirname, '../fixtures/pickle/surrogates');
const expected = JSON.parse(readFileSync(path.join(DIR, 'values.json'), 'utf8')) as {
  strings: string[];
  keyed: Array<[string, number]>;
  long: string;
};

describe('str values with lone surrogates (Python pickles them with surrogatepass)', () => {
  it.each([0, 2, 4, 5])('protocol %i: every string and dict key comes back exactly', (protocol) => {
    const loaded = loadModelFile(path.join(DIR, `values-p${protocol}.pkl`)) as Map<string, unknown>;
    expect(loaded.get('strings')).toEqual(expected.strings);
    expect([...(loaded.get('keyed') as Map<string, number>).entries()]).toEqual(expected.keyed);
    expect(loaded.get('long')).toBe(expected.long);
    // The old decoder made 3 of these 5 keys U+FFFD, so they collided.
    expect((loaded.get('keyed') as Map<string, number>).size).toBe(5);
  });

  it('decodes the surrogatepass bytes of every lone surrogate, and ordinary UTF-8 natively', () => {
    for (const unit of [0xd800, 0xdbff, 0xdc00, 0xdc80, 0xdcff, 0xdfff]) {
      const bytes = Uint8Array.of(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
      expect(utf8(bytes)).toBe(String.fromCharCode(unit));
    }
    expect(utf8(Buffer.from('é€𝄞 \ufffd'))).toBe('é€𝄞 \ufffd');
  });

  it.each([
    ['a lone byte 0xFF', [0xff]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s as PICKLE_MALFORMED, where Python raises UnicodeDecodeError', (_what, bytes) => {
    const pickle = Uint8Array.of(0x80, 0x04, 0x8c, bytes.length, ...bytes, 0x2e); // PROTO 4, SHORT_BINUNICODE, STOP
    expect(() => loadPickle(pickle)).toThrow(expect.objectContaining({ code: 'PICKLE_MALFORMED' }));
  });
});

describe('a TfidfVectorizer whose vocabulary holds lone surrogates', () => {
  const case_ = JSON.parse(readFileSync(path.join(DIR, 'tfidf-char.json'), 'utf8')) as { vocabulary: Array<[string, number]> };

  it('keeps every vocabulary key, none merged into U+FFFD', () => {
    const model = loadModelFile(path.join(DIR, 'tfidf-char.pkl')) as PyObject;
    const vocabulary = (model.state as Map<string, unknown>).get('vocabulary_') as Map<string, number>;
    expect([...vocabulary.entries()].sort((a, b) => a[1] - b[1])).toEqual(case_.vocabulary);
  });
});

// Scores equal sklearn's on request text holding the same surrogates.
runEstimatorCases({ fixture: path.join(DIR, 'tfidf-char.json') });
