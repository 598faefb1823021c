import type { MlRequest } from '../../src/contract/ml-request';
import { builtInExtractors } from '../../src/features';
import { WAF_V1_FEATURE_NAMES, extensionClass, extractWafV1, wafV1 } from '../../src/features/waf-v1';
import { PATTERNS, RE_ENTITY, RE_HEX, RE_PERCENT, RE_UNICODE, RE_WORD, WORD_FAMILIES } from '../../src/features/waf-v1-vocabulary';
import { log2Int } from '../../src/features/text-stats';
import { prng } from '../helpers/prng';

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

  it('counts words and patterns as the plain regexes do, though it skips texts without their trigger characters', () => {
    // Text made of the characters the shortcuts look at (triggers, word characters, case), so a
    // wrongly skipped text or a word split differently shows up as a count that differs.
    const random = prng(1313);
    const alphabet = ['-', '*', '/', '<', '=', '.', '$', '`', '(', '{', ':', "'", '"', '%', '\\', '0', 'x', 'X', 'u', '&', '#', ';', ' ', '_',
      'a', 'on', 'or', 'select', 'union', 'alert', 'etc', 'passwd', 'eval', 'exec', 'ls', 'information_schema', 'SELECT', 'é', '\u{1F600}', 'java', 'F'];
    const text = () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const exact = (n: number) => log2Int(n + 1); // the extractor's own log2 (1 + n)
    const count = (t: string, regex: RegExp) => t.match(regex)?.length ?? 0;
    const lower = (t: string) => t.replace(/[A-Z]/g, (c) => c.toLowerCase());
    for (let n = 0; n < 500; n++) {
      const request = { ...base, path: `/${text()}`, args: [[`ARGS:${text()}`, text()], [`ARGS:${text()}`, text()]] as [string, string][], body: random() < 0.5 ? text() : undefined };
      const f = features(request);
      const values = [...request.args.map(([, v]) => v), ...(request.body === undefined ? [] : [request.body])];
      const texts = [request.path, ...request.args.map(([k]) => k.slice('ARGS:'.length)), ...values].map(lower);
      const words = texts.flatMap((t) => t.match(RE_WORD) ?? []);
      WORD_FAMILIES.forEach((family, i) => {
        expect(f.get(WAF_V1_FEATURE_NAMES[WAF_V1_FEATURE_NAMES.indexOf('words_sql') + i])).toBe(exact(words.filter((w) => family.has(w)).length));
      });
      PATTERNS.forEach((pattern, i) => {
        const expected = texts.reduce((sum, t) => sum + count(t, pattern), 0);
        expect(f.get(WAF_V1_FEATURE_NAMES[WAF_V1_FEATURE_NAMES.indexOf('pattern_sql_comment') + i])).toBe(exact(expected));
      });
      for (const [name, regex] of [['value_percent_escapes', RE_PERCENT], ['value_unicode_escapes', RE_UNICODE], ['value_hex_escapes', RE_HEX], ['value_html_entities', RE_ENTITY]] as const) {
        expect(f.get(name)).toBe(exact(values.reduce((sum, v) => sum + count(v, regex), 0)));
      }
    }
  });
});
