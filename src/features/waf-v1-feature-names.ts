/**
 * The columns of `waf-v1`: their names in output order and which of them are log-scaled
 * (docs/features.md, "Scaling"). The Python twin's `FEATURE_NAMES` is the same list.
 */

/** The methods with a column of their own, in column order; any other counts as `method_other`. */
export const WAF_V1_METHODS: readonly string[] = Object.freeze(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
const METHOD_COLUMNS = [...WAF_V1_METHODS, 'OTHER'].map((m) => `method_${m.toLowerCase()}`);

/** The 58 column names of `waf-v1`, in output order; docs/features.md defines each one. */
export const WAF_V1_FEATURE_NAMES: readonly string[] = Object.freeze([
  ...METHOD_COLUMNS,
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
  ...METHOD_COLUMNS,
  'path_ext_class', 'value_special_ratio', 'value_entropy_max', 'value_entropy_all', 'hour', 'day',
]);
/** Per column of {@link WAF_V1_FEATURE_NAMES}: true when the extractor reports log2(1 + n) of its count n. */
export const WAF_V1_LOG_SCALED: readonly boolean[] = WAF_V1_FEATURE_NAMES.map((name) => !NOT_LOG_SCALED.has(name));
