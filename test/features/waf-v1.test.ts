import type { MlRequest } from '../../src/contract/ml-request';
import { builtInExtractors } from '../../src/features';
import { WAF_V1_FEATURE_NAMES, extensionClass, extractWafV1, wafV1 } from '../../src/features/waf-v1';

const base: MlRequest = { method: 'GET', path: '/', args: [], files: [], sizes: [], hour: 7, day: 29 };
const features = (request: Partial<MlRequest>) => {
  const row = extractWafV1({ ...base, ...request });
  return new Map(WAF_V1_FEATURE_NAMES.map((name, i) => [name, row[i]]));
};
const log = (n: number) => Math.log2(1 + n);

describe('waf-v1', () => {
  it('is the built-in extractor, with one name per column', () => {
    expect(builtInExtractors).toContain(wafV1);
    expect(wafV1.name).toBe('waf-v1');
    expect(new Set(WAF_V1_FEATURE_NAMES).size).toBe(WAF_V1_FEATURE_NAMES.length);
    expect(extractWafV1(base)).toHaveLength(WAF_V1_FEATURE_NAMES.length);
  });

  it('one-hot encodes the method, exact case, anything else as other', () => {
    for (const [method, column] of [['POST', 'method_post'], ['OPTIONS', 'method_options'], ['get', 'method_other'], ['PROPFIND', 'method_other']]) {
      const f = features({ method });
      const hot = [...f].filter(([name, v]) => name.startsWith('method_') && v === 1).map(([name]) => name);
      expect(hot).toEqual([column]);
    }
  });

  it('describes the path in code points, log-scaled', () => {
    const f = features({ path: '/caf\u00e9/\u{1F600}/../x.PHP' });
    expect(f.get('path_length')).toBeCloseTo(log(16), 14);
    expect(f.get('path_depth')).toBe(log(4));
    expect(f.get('path_dot_dot')).toBe(log(1));
    expect(f.get('path_non_ascii')).toBe(log(2));
    expect(f.get('path_special')).toBe(log(2));
    expect(f.get('path_ext_class')).toBe(2);
  });

  it('classifies extensions of the last segment', () => {
    expect(extensionClass('/a/b')).toBe(0);
    expect(extensionClass('/img/logo.PNG')).toBe(1);
    expect(extensionClass('/shell.php5')).toBe(2);
    expect(extensionClass('/.env')).toBe(3);
    expect(extensionClass('/backup.tar.gz')).toBe(3);
    expect(extensionClass('/x.unknown')).toBe(4);
    expect(extensionClass('/dir.v2/file')).toBe(0);
    expect(extensionClass('/file.')).toBe(4);
  });

  it('counts attack tokens and patterns in names and values, keeping repeated names', () => {
    const f = features({
      method: 'POST',
      args: [['ARGS:q', "1' OR 1=1 UNION SELECT password FROM users-- "], ['ARGS:q', '<img src=x onerror = alert(1)>'], ['ARGS:f', '../../etc/passwd;$(id)']],
    });
    expect(f.get('arg_count')).toBe(log(3));
    expect(f.get('words_sql')).toBe(log(3)); // union select from
    expect(f.get('words_xss')).toBe(log(4)); // img src onerror alert
    expect(f.get('words_file')).toBe(log(2)); // etc passwd
    expect(f.get('pattern_quote_break')).toBe(log(1));
    expect(f.get('pattern_sql_comment')).toBe(log(1));
    expect(f.get('pattern_tag_open')).toBe(log(1));
    expect(f.get('pattern_event_handler')).toBe(log(1));
    expect(f.get('pattern_traversal')).toBe(log(2));
    expect(f.get('pattern_command_substitution')).toBe(log(1));
    expect(f.get('value_quotes')).toBe(log(1));
    expect(f.get('value_angles')).toBe(log(2));
  });

  it('does not let non-ASCII lookalikes form ASCII words', () => {
    // U+212A KELVIN SIGN lowercases to "k" in JS and Python; waf-v1 lowercases ASCII only.
    expect(features({ args: [['ARGS:c', '\u212aILL -9']] }).get('words_cmd')).toBe(0);
    expect(features({ args: [['ARGS:c', 'KILL -9']] }).get('words_cmd')).toBe(log(1));
  });

  it('counts escapes, controls and non-ASCII characters', () => {
    const f = features({ args: [['ARGS:x', '%27%3C\\u0041%u0041\\x41 0x41 &lt;&#60;\u0000\u0007\t\u00e9\u{1F600}\udc80']] });
    expect(f.get('value_percent_escapes')).toBe(log(2));
    expect(f.get('value_unicode_escapes')).toBe(log(2));
    expect(f.get('value_hex_escapes')).toBe(log(2));
    expect(f.get('value_html_entities')).toBe(log(2));
    expect(f.get('value_control')).toBe(log(2));
    expect(f.get('value_whitespace')).toBe(log(3)); // tab and two spaces
    expect(f.get('value_non_ascii')).toBe(log(3));
  });

  it('sums uploads and keeps hour and day as they are', () => {
    const f = features({
      files: [['FILES:a', 'shell.php'], ['FILES:b', 'photo.jpg']],
      sizes: [['FILES_SIZES:a', 1000], ['FILES_SIZES:b', 3000]],
      hour: 23,
      day: 1,
    });
    expect(f.get('file_count')).toBe(log(2));
    expect(f.get('file_risky_ext')).toBe(log(1));
    expect(f.get('size_total')).toBeCloseTo(log(4000), 14);
    expect(f.get('size_max')).toBeCloseTo(log(3000), 14);
    expect(f.get('hour')).toBe(23);
    expect(f.get('day')).toBe(1);
  });

  it('treats the raw body as one more value', () => {
    const f = features({ body: '<?xml version="1.0"?><a>SELECT</a>' });
    expect(f.get('body_length')).toBeCloseTo(log(34), 14);
    expect(f.get('arg_value_length_total')).toBe(0);
    expect(f.get('words_sql')).toBe(log(2)); // version select
  });
});
