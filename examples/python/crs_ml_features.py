#!/usr/bin/env python3
"""The Python twin of crs-ml-server's `waf-v1` feature extractor (src/features/waf-v1.ts).

Pure standard library, Python >= 3.8. Train with it; serve with the TypeScript one; the parity test
(test/features/parity.test.ts) checks that both give the same float64 for every feature on
test/fixtures/features/corpus.jsonl. docs/features.md defines every feature.

Use:
    from crs_ml_features import extract, FEATURE_NAMES, parse_request_line
    extract(parse_request_line('{"method":"GET","path":"/","args":{},"hour":7,"day":29}'))

    python3 crs_ml_features.py --input REQUESTS.jsonl [--extractor waf-v1]   # one JSON array per line

A request is a dict: method, path (str), args, files (lists of (name, str) pairs), sizes (list of
(name, number) pairs), hour, day (int), body (str, optional), version (1 or 2) and, in contract v2,
headers, cookies (lists of (name, str) pairs) and crs (list of (name, float) pairs: CRS's scores),
each optional. waf-v1 reads none of the v2 fields. Parity rules kept on purpose:
lengths are code points; lowercasing is ASCII-only; regexes use explicit ASCII classes; log2 is
computed from + - * / only (see _log2_int) so no libm difference can leak in. Counts and lengths are
returned as log2(1 + n) (LOG_SCALED), the other columns as they are.
"""
import argparse
import json
import math
import re
import sys

EXTRACTOR_NAME = 'waf-v1'

METHODS = ('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS')

STATIC_EXT = frozenset(
    'html htm css js mjs png jpg jpeg gif svg ico webp woff woff2 ttf eot otf txt pdf xml json map '
    'mp4 mp3 webm csv'.split())
SCRIPT_EXT = frozenset(
    'php php3 php4 php5 phtml phar asp aspx ashx asmx jsp jspx do action cgi pl py rb sh bat cmd exe '
    'dll cfm shtml'.split())
SENSITIVE_EXT = frozenset(
    'bak old orig save swp tmp sql db sqlite mdb ini conf cfg config env log git svn htaccess htpasswd '
    'key pem crt p12 yml yaml toml properties lock zip tar gz tgz rar 7z bz2 war jar'.split())

SQL_WORDS = frozenset(
    'select union insert update delete drop alter create truncate from where having group order limit '
    'offset sleep benchmark waitfor delay pg_sleep concat group_concat char chr ascii substring substr '
    'information_schema sysobjects syscolumns table_name column_name database version exec execute '
    'declare cast convert load_file outfile dumpfile xp_cmdshell null rlike regexp procedure'.split())
XSS_WORDS = frozenset(
    'script alert prompt confirm onerror onload onmouseover onfocus onclick onmouseenter ontoggle onbegin '
    'onanimationstart iframe svg img src javascript vbscript livescript document cookie window location '
    'eval fromcharcode expression srcdoc formaction xlink href innerhtml atob'.split())
CMD_WORDS = frozenset(
    'bash sh zsh cmd powershell whoami uname ls cat wget curl nc ncat netcat telnet ping nslookup '
    'ifconfig ipconfig chmod chown rm echo printf perl python ruby exec system passthru shell_exec popen '
    'proc_open kill sudo nohup crontab'.split())
FILE_WORDS = frozenset(
    'etc passwd shadow hosts boot win ini system32 windows proc self environ cmdline htaccess htpasswd '
    'git env config bash_history ssh id_rsa var tmp dev null'.split())
CODE_WORDS = frozenset(
    'phpinfo include require include_once require_once file_get_contents fopen readfile base64_decode '
    'gzinflate assert preg_replace create_function java lang runtime getruntime processbuilder jndi '
    'ldap rmi classloader getclass forname invoke constructor __proto__ prototype import os subprocess '
    '__import__ globals getattr'.split())

FEATURE_NAMES = (
    'method_get', 'method_post', 'method_head', 'method_put', 'method_delete', 'method_patch',
    'method_options', 'method_other',
    'path_length', 'path_depth', 'path_ext_class', 'path_percent_escapes', 'path_dot_dot',
    'path_special', 'path_non_ascii',
    'arg_count', 'arg_name_length_max', 'arg_name_special', 'arg_value_length_total',
    'arg_value_length_max', 'body_length',
    'value_letters', 'value_digits', 'value_whitespace', 'value_quotes', 'value_angles',
    'value_brackets', 'value_separators', 'value_other_special', 'value_non_ascii', 'value_control',
    'value_special_ratio', 'value_special_run_max',
    'value_percent_escapes', 'value_unicode_escapes', 'value_hex_escapes', 'value_html_entities',
    'value_entropy_max', 'value_entropy_all',
    'words_sql', 'words_xss', 'words_cmd', 'words_file', 'words_code',
    'pattern_sql_comment', 'pattern_tag_open', 'pattern_event_handler', 'pattern_traversal',
    'pattern_command_substitution', 'pattern_scheme', 'pattern_quote_break',
    'file_count', 'file_name_length_max', 'file_risky_ext', 'size_total', 'size_max',
    'hour', 'day',
)

# Counts and lengths are reported as log2(1 + n): heavy tails (a 60,000-character value) would
# otherwise dominate the uniform splits of an IsolationForest. Everything else is reported as is.
NOT_LOG_SCALED = frozenset(['method_get', 'method_post', 'method_head', 'method_put', 'method_delete',
                            'method_patch', 'method_options', 'method_other', 'path_ext_class',
                            'value_special_ratio', 'value_entropy_max', 'value_entropy_all', 'hour', 'day'])
LOG_SCALED = frozenset(i for i, name in enumerate(FEATURE_NAMES) if name not in NOT_LOG_SCALED)

# Character classes by code point (docs/features.md, "Character classes").
WHITESPACE = frozenset(' \t\n\r\x0b\x0c')
QUOTES = frozenset('\'"`')
ANGLES = frozenset('<>')
BRACKETS = frozenset('()[]{}')
SEPARATORS = frozenset(';|&')
OTHER_SPECIAL = frozenset('$\\*=#!^~@%')
SPECIAL = QUOTES | ANGLES | BRACKETS | SEPARATORS | OTHER_SPECIAL
PATH_PLAIN = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~-')
NAME_PLAIN = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-[]')

RE_PERCENT = re.compile('%[0-9A-Fa-f][0-9A-Fa-f]')
RE_UNICODE = re.compile('[\\\\%][uU][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]')
RE_HEX = re.compile('\\\\[xX][0-9A-Fa-f][0-9A-Fa-f]|0[xX][0-9A-Fa-f][0-9A-Fa-f]')
RE_ENTITY = re.compile('&#?[A-Za-z0-9]+;')
# Applied to ASCII-lowercased text.
RE_WORD = re.compile('[a-z0-9_]+')
RE_SQL_COMMENT = re.compile('--|/\\*|\\*/')
RE_TAG_OPEN = re.compile('<[a-z!/?]')
RE_EVENT_HANDLER = re.compile('on[a-z]{1,32}[ \\t\\r\\n/]{0,8}=')
RE_TRAVERSAL = re.compile('\\.\\.[/\\\\]')
RE_COMMAND_SUBSTITUTION = re.compile('\\$\\(|\\$\\{|`')
RE_SCHEME = re.compile('[a-z][a-z0-9+.-]{0,32}:/?/')
RE_QUOTE_BREAK = re.compile(
    '[\'"][ \\t\\r\\n)]*(?:or|and|union|select|having|order|group)(?![a-z0-9_])')

_ASCII_LOWER = {c: c + 32 for c in range(0x41, 0x5B)}
_INV_LN2 = 1.4426950408889634
_LOG2_CACHE = {}


def ascii_lower(text):
    """A-Z -> a-z only; every other code point unchanged (str.lower() differs from JS toLowerCase)."""
    return text.translate(_ASCII_LOWER)


def _log2_int(k):
    """log2 of a positive integer (int or integral float) from IEEE + - * / only, so TypeScript gets the same bits.

    k = m * 2**e with m in [1, 2); ln(m) = 2 * atanh(t), t = (m - 1) / (m + 1) < 1/3, summed as
    t + t**3/3 + ... over 24 terms, the last term first.
    """
    cached = _LOG2_CACHE.get(k)
    if cached is not None:
        return cached
    e = 0
    p = 1.0
    x = float(k)
    while p * 2.0 <= x:
        p *= 2.0
        e += 1
    m = x / p
    t = (m - 1.0) / (m + 1.0)
    t2 = t * t
    powers = []
    power = t
    for _ in range(24):
        powers.append(power)
        power *= t2
    series = 0.0
    for n in range(23, -1, -1):
        series += powers[n] / float(2 * n + 1)
    result = float(e) + 2.0 * series * _INV_LN2
    if len(_LOG2_CACHE) < 100_000:
        _LOG2_CACHE[k] = result
    return result


def entropy(counts, total):
    """Shannon entropy in bits of a histogram (dict in first-occurrence order) of `total` items."""
    if total == 0:
        return 0.0
    weighted = 0.0
    for c in counts.values():
        weighted += float(c) * _log2_int(c)
    return _log2_int(total) - weighted / float(total)


def ext_class(name):
    """0 none, 1 static, 2 script, 3 sensitive/backup, 4 other: the extension of the last segment."""
    segment = name[name.rfind('/') + 1:]
    dot = segment.rfind('.')
    if dot < 0:
        return 0
    ext = ascii_lower(segment[dot + 1:])
    if ext in STATIC_EXT:
        return 1
    if ext in SCRIPT_EXT:
        return 2
    if ext in SENSITIVE_EXT:
        return 3
    return 4


def strip_prefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


def extract(request):
    """Feature row (list of floats, FEATURE_NAMES order) of one parsed request."""
    method = request['method']
    path = request['path']
    args = request.get('args', [])
    files = request.get('files', [])
    sizes = request.get('sizes', [])
    body = request.get('body')
    names = [strip_prefix(n, 'ARGS:') for n, _ in args]
    values = [v for _, v in args]
    if body is not None:
        values.append(body)

    row = [1.0 if method == m else 0.0 for m in METHODS]
    row.append(0.0 if method in METHODS else 1.0)

    path_special = 0
    path_non_ascii = 0
    for ch in path:
        if ch not in PATH_PLAIN:
            path_special += 1
            if ord(ch) > 127:
                path_non_ascii += 1
    row += [len(path), path.count('/'), ext_class(path), len(RE_PERCENT.findall(path)),
            path.count('..'), path_special, path_non_ascii]

    name_special = 0
    for name in names:
        for ch in name:
            if ch not in NAME_PLAIN:
                name_special += 1
    arg_lengths = [len(v) for _, v in args]
    row += [len(args), max([len(n) for n in names], default=0), name_special, sum(arg_lengths),
            max(arg_lengths, default=0), 0 if body is None else len(body)]

    letters = digits = spaces = quotes = angles = brackets = separators = other = 0
    non_ascii = control = run_max = total = 0
    entropy_max = 0.0
    all_counts = {}
    for value in values:
        counts = {}
        run = 0
        for ch in value:
            counts[ch] = counts.get(ch, 0) + 1
            all_counts[ch] = all_counts.get(ch, 0) + 1
            if ch in SPECIAL:
                run += 1
                if run > run_max:
                    run_max = run
                if ch in QUOTES:
                    quotes += 1
                elif ch in ANGLES:
                    angles += 1
                elif ch in BRACKETS:
                    brackets += 1
                elif ch in SEPARATORS:
                    separators += 1
                else:
                    other += 1
                continue
            run = 0
            o = ord(ch)
            if 97 <= o <= 122 or 65 <= o <= 90:
                letters += 1
            elif 48 <= o <= 57:
                digits += 1
            elif ch in WHITESPACE:
                spaces += 1
            elif o < 32 or o == 127:
                control += 1
            elif o > 127:
                non_ascii += 1
        total += len(value)
        h = entropy(counts, len(value))
        if h > entropy_max:
            entropy_max = h
    special = quotes + angles + brackets + separators + other
    row += [letters, digits, spaces, quotes, angles, brackets, separators, other, non_ascii, control,
            0.0 if total == 0 else float(special) / float(total), run_max]

    def count_in_values(regex):
        return sum(len(regex.findall(v)) for v in values)

    row += [count_in_values(RE_PERCENT), count_in_values(RE_UNICODE), count_in_values(RE_HEX),
            count_in_values(RE_ENTITY), entropy_max, entropy(all_counts, total)]

    texts = [ascii_lower(t) for t in [path] + names + values]
    word_counts = [0, 0, 0, 0, 0]
    for text in texts:
        for word in RE_WORD.findall(text):
            for i, bag in enumerate((SQL_WORDS, XSS_WORDS, CMD_WORDS, FILE_WORDS, CODE_WORDS)):
                if word in bag:
                    word_counts[i] += 1
    row += word_counts
    for regex in (RE_SQL_COMMENT, RE_TAG_OPEN, RE_EVENT_HANDLER, RE_TRAVERSAL,
                  RE_COMMAND_SUBSTITUTION, RE_SCHEME, RE_QUOTE_BREAK):
        row.append(sum(len(regex.findall(t)) for t in texts))

    file_names = [v for _, v in files]
    size_values = [float(v) for _, v in sizes]
    size_total = 0.0
    for s in size_values:
        size_total += s
    row += [len(files), max([len(f) for f in file_names], default=0),
            sum(1 for f in file_names if ext_class(f) in (2, 3)), size_total,
            max(size_values, default=0.0), request['hour'], request['day']]
    return [_log2_int(x + 1) if i in LOG_SCALED else float(x) for i, x in enumerate(row)]


class RequestLineError(ValueError):
    pass


def _pairs(value, field, numeric=False, scores=False):
    if isinstance(value, _Pairs):
        pairs = list(value)
    else:
        what = 'byte counts' if numeric else 'finite numbers' if scores else 'strings'
        raise RequestLineError('field "%s" must be a JSON object of %s' % (field, what))
    out = []
    for name, v in pairs:
        if not isinstance(name, str):
            raise RequestLineError('field "%s": names must be strings' % field)
        if scores:
            # json.loads reads 1e999 as inf; CRS scores must be finite, as the server checks
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise RequestLineError('field "%s": %s must be a finite JSON number (a CRS score, e.g. 5), got %r'
                                       % (field, json.dumps(name), v))
            v = float(v)
        elif numeric:
            if isinstance(v, str) and re.fullmatch('[0-9]{1,15}', v):
                v = int(v)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 10 ** 15:
                raise RequestLineError('field "%s": %s must be a byte count, got %r' % (field, json.dumps(name), v))
        elif not isinstance(v, str):
            raise RequestLineError('field "%s": %s must be a string' % (field, json.dumps(name)))
        out.append((name, v))
    return out


class _Pairs(list):
    """A JSON object kept as its ordered (name, value) pairs, repeated names included."""


def _int_field(obj, field, low, high):
    v = obj.get(field)
    if isinstance(v, str) and re.fullmatch('[0-9]{1,2}', v):
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise RequestLineError('field "%s" must be an integer %d-%d, got %r' % (field, low, high, v))
    return v


def parse_request_line(line):
    """One JSON line (see docs/features.md, "Input") -> request dict; raises RequestLineError."""
    try:
        raw = json.loads(line, object_pairs_hook=_Pairs)
    except ValueError as e:
        raise RequestLineError('not valid JSON: %s' % e)
    if not isinstance(raw, _Pairs):
        raise RequestLineError('expected a JSON object')
    obj = {}
    for k, v in raw:
        if k in obj:
            raise RequestLineError('field "%s" is given twice' % k)
        obj[k] = v
    unknown = set(obj) - {'method', 'path', 'args', 'files', 'sizes', 'hour', 'day', 'body', 'v'} - set(V2_FIELDS)
    if unknown:
        raise RequestLineError('unknown field(s): %s' % ', '.join(sorted(unknown)))
    for field in ('method', 'path'):
        if not isinstance(obj.get(field), str):
            raise RequestLineError('field "%s" must be a string' % field)
    if obj['method'] == '':
        raise RequestLineError('field "method" must not be empty')
    if 'body' in obj and not isinstance(obj['body'], str):
        raise RequestLineError('field "body" must be a string')
    if 'args' not in obj:
        raise RequestLineError('field "args" is missing')
    request = {
        'method': obj['method'],
        'path': obj['path'],
        'args': _pairs(obj['args'], 'args'),
        'files': _pairs(obj.get('files', _Pairs()), 'files'),
        'sizes': _pairs(obj.get('sizes', _Pairs()), 'sizes', numeric=True),
        'hour': _int_field(obj, 'hour', 0, 23),
        'day': _int_field(obj, 'day', 1, 31),
    }
    if 'body' in obj:
        request['body'] = obj['body']
    request['version'] = _version(obj)
    for field in V2_FIELDS:
        if field in obj:
            request[field] = _pairs(obj[field], field, scores=field == 'crs')
    return request


# Contract v2's fields (docs/contract.md); a line with any of them and no "v" is version 2.
V2_FIELDS = ('headers', 'cookies', 'crs')


def _version(obj):
    has_v2 = [field for field in V2_FIELDS if field in obj]
    if 'v' not in obj:
        return 2 if has_v2 else 1
    v = obj['v']
    if isinstance(v, str) and v in ('1', '2'):
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int) or v not in (1, 2):
        raise RequestLineError('field "v" is not a contract version this server understands (2, or none for version 1), got %r' % (v,))
    if v == 1 and has_v2:
        raise RequestLineError('field "%s" is a contract v2 field; give "v": 2 with it' % has_v2[0])
    return v


def main(argv=None):
    parser = argparse.ArgumentParser(description='Print the waf-v1 feature row of each request, one JSON array per line.')
    parser.add_argument('--input', required=True, help='JSON-lines file of parsed requests ("-" for stdin)')
    parser.add_argument('--extractor', default=EXTRACTOR_NAME, help='only "waf-v1" exists in the twin')
    options = parser.parse_args(argv)
    if options.extractor != EXTRACTOR_NAME:
        parser.error('unknown extractor "%s"; the Python twin knows only "%s"' % (options.extractor, EXTRACTOR_NAME))
    stream = sys.stdin if options.input == '-' else open(options.input, encoding='utf-8')
    out = sys.stdout
    with stream:
        for number, line in enumerate(stream, 1):
            if line.strip() == '':
                continue
            try:
                row = extract(parse_request_line(line))
            except RequestLineError as e:
                sys.stderr.write('%s line %d: %s\n' % (options.input, number, e))
                return 1
            out.write(json.dumps(row, separators=(',', ':')) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
