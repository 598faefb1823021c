import { WAF_V1_FEATURE_NAMES } from '../../src/features/waf-v1-feature-names';
import { valueCharacterFeatures } from '../../src/features/waf-v1-value-characters';

// The columns valueCharacterFeatures returns, in its order.
const NAMES = WAF_V1_FEATURE_NAMES.slice(WAF_V1_FEATURE_NAMES.indexOf('value_letters'), WAF_V1_FEATURE_NAMES.indexOf('value_entropy_all') + 1);
const features = (values: string[], lengths: number[] = []) => {
  const row = valueCharacterFeatures(values, lengths);
  expect(row).toHaveLength(NAMES.length);
  return new Map(NAMES.map((name, i) => [name, row[i]]));
};
const CLASS_COLUMNS = ['letters', 'digits', 'whitespace', 'quotes', 'angles', 'brackets', 'separators', 'other_special', 'non_ascii', 'control'].map((c) => `value_${c}`);

/** docs/features.md "Character classes", written out again so the table in the source is checked against it. */
const documentedClass = (code: number): string | undefined => {
  const c = String.fromCharCode(code);
  if (/[A-Za-z]/.test(c)) return 'value_letters';
  if (/[0-9]/.test(c)) return 'value_digits';
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return 'value_whitespace';
  if ('\'"`'.includes(c)) return 'value_quotes';
  if ('<>'.includes(c)) return 'value_angles';
  if ('()[]{}'.includes(c)) return 'value_brackets';
  if (';|&'.includes(c)) return 'value_separators';
  if ('$\\*=#!^~@%'.includes(c)) return 'value_other_special';
  if (code < 0x20 || code === 0x7f) return 'value_control';
  return undefined;
};

describe('waf-v1 value characters', () => {
  it('puts every ASCII character in the class docs/features.md gives it, or in none', () => {
    for (let code = 0; code < 128; code++) {
      const f = features([String.fromCharCode(code)]);
      const counted = CLASS_COLUMNS.filter((column) => f.get(column) === 1);
      const expected = documentedClass(code);
      expect([code, counted]).toEqual([code, expected === undefined ? [] : [expected]]);
    }
  });

  it('counts code points above U+007F as non-ASCII, one per astral character or lone surrogate', () => {
    const lengths: number[] = [];
    const f = features(['\u00e9\u{1F600}', '\udc80x'], lengths);
    expect(f.get('value_non_ascii')).toBe(3);
    expect(f.get('value_letters')).toBe(1);
    expect(lengths).toEqual([2, 2]);
  });

  it('keeps the longest run of specials within one value', () => {
    expect(features(['a<>(b', '\'";']).get('value_special_run_max')).toBe(3);
    expect(features(['a<', '>b']).get('value_special_run_max')).toBe(1); // no run across two values
    expect(features(['<a>']).get('value_special_ratio')).toBeCloseTo(2 / 3, 15);
    expect(features([]).get('value_special_ratio')).toBe(0);
  });

  it('takes the highest entropy of one value and the entropy of all values together', () => {
    const f = features(['aabb', 'cccc']);
    expect(f.get('value_entropy_max')).toBe(1);
    expect(f.get('value_entropy_all')).toBeCloseTo(1.5, 15); // a 2, b 2, c 4 of 8
  });

  it('starts each call from empty counts, though its histograms are reused', () => {
    const first = valueCharacterFeatures(['SELECT \u00e9%41 &lt;'], []);
    features(['zzzz\u00e9\u00e9', 'qq']);
    expect(valueCharacterFeatures(['SELECT \u00e9%41 &lt;'], [])).toEqual(first);
  });
});
