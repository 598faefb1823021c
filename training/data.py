"""Builds the labelled value corpus the bundled models are trained and evaluated on.

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2, PyYAML 6.
Reads ../shared/datasets and ../shared/crs/tests (relative to the repository); writes
/work/cache-models/values.jsonl (or $CRS_ML_CACHE/values.jsonl): never committed, it is derived
from the datasets. One JSON object per line:

  {"id", "value", "query", "label": 0|1, "cls", "source", "file", "split": "train"|"val"|"heldout", "synthetic", "where"}

`query` is the value percent-encoded for `GET /?q=<query>`, so that ModSecurity's ARGS:q is the value.

`where` is "arg" (a parameter value), "path", "header" (a request-header value) or "cookie". Training
rows carry `count`, how often the normalised value occurred in the training sources (a sample weight).

Split by SOURCE, so held-out numbers are about data the model never saw:

| class  | train (+ validation carved from it)                                       | held out                                              |
|--------|---------------------------------------------------------------------------|-------------------------------------------------------|
| benign | stackoverflow-titles, iscx-url2016-benign, elastic-apache-logs, synthetic | nq-open-queries, webis-aql-serps, libinjection benign |
| attack | libinjection sqli+xss, PayloadsAllTheThings (not log4shell), CRS 4        | fuzzdb-attack, payloadbox, SecLists, PATT log4shell   |
|        | regression tests, synthetic (log4shell, NoSQL names, shellshock)          |                                                       |

Validation (thresholds) is a random 15 % of the training sources' values. After normalisation
(lower case, URL-decoded until stable, whitespace collapsed) a value is kept once: held-out and
validation values that also occur in training are dropped, and a value labelled both ways is dropped.
Attack lines of 3 characters or fewer are dropped everywhere (label noise: `'`, `;`, `%00`).

Second round: synthetic_text.py's benign values are appended after this split (second_round()), so the
held-out rows and the first round's train/validation rows are unchanged.
"""
import csv
import glob
import json
import os
import random
import re
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synthetic  # noqa: E402
import synthetic_text  # noqa: E402

SHARED = os.path.normpath(os.path.join(HERE, '..', '..', 'shared'))
DATA = os.path.join(SHARED, 'datasets')
CRS_TESTS = os.path.join(SHARED, 'crs', 'tests', 'regression', 'tests')
CACHE = os.environ.get('CRS_ML_CACHE', '/work/cache-models')
SEED = 20261205


def read_lines(path):
    with open(path, encoding='utf-8', errors='surrogateescape') as f:
        return [line.rstrip('\r\n') for line in f]


def unquote_plus(text):
    return urllib.parse.unquote_to_bytes(text.replace('+', ' ')).decode('utf-8', 'surrogateescape')


def query_values(url):
    """(name, value) pairs of a URL's query string, decoded as ModSecurity fills ARGS."""
    _, _, query = url.partition('?')
    query = query.split('#', 1)[0]
    out = []
    for part in query.split('&'):
        if not part:
            continue
        name, _, value = part.partition('=')
        out.append((unquote_plus(name), unquote_plus(value)))
    return out


def normalise(value):
    text = value
    for _ in range(4):
        decoded = urllib.parse.unquote(text, errors='surrogateescape')
        if decoded == text:
            break
        text = decoded
    return re.sub(r'\s+', ' ', text).strip().lower()


# ---------------------------------------------------------------- benign sources


def benign_stackoverflow():
    for line in read_lines(os.path.join(DATA, 'stackoverflow-titles', 'title_StackOverflow.txt')):
        yield line, 'arg', 'title_StackOverflow.txt'


PROBE = re.compile(r'WEBLOC|wp-login|\.\./|etc/passwd|<script|select\s|union\s|\$\{', re.I)


def benign_elastic():
    pattern = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) \S+ "(?P<ref>[^"]*)" "(?P<ua>[^"]*)"')
    for line in read_lines(os.path.join(DATA, 'elastic-apache-logs', 'apache_logs')):
        m = pattern.search(line)
        if not m or int(m.group('status')) >= 400 or PROBE.search(line):
            continue
        for url in (m.group('uri'), m.group('ref')):
            for name, value in query_values(url) if '?' in url else []:
                yield name, 'arg', 'apache_logs:name'
                yield value, 'arg', 'apache_logs:query'
        yield m.group('uri').split('?', 1)[0], 'path', 'apache_logs:path'
        if m.group('ref') not in ('', '-'):
            yield m.group('ref'), 'header', 'apache_logs:referer'
        if m.group('ua') not in ('', '-'):
            yield m.group('ua'), 'header', 'apache_logs:user-agent'


def benign_iscx():
    rows = read_lines(os.path.join(DATA, 'iscx-url2016-benign', 'Benign_list_big_final.csv'))[1:]
    for url in rows:
        path = '/' + url.split('://', 1)[-1].partition('/')[2].split('?', 1)[0]
        yield path, 'path', 'Benign_list_big_final.csv:path'
        if '?' not in url:
            continue
        for name, value in query_values(url):
            yield name, 'arg', 'Benign_list_big_final.csv:name'
            yield value, 'arg', 'Benign_list_big_final.csv:query'


def benign_nq():
    for line in read_lines(os.path.join(DATA, 'nq-open-queries', 'questions.txt')):
        yield line, 'arg', 'questions.txt'


def benign_webis():
    with open(os.path.join(DATA, 'webis-aql-serps', 'serps.tsv'), encoding='utf-8') as f:
        for row in csv.DictReader(f, delimiter='\t'):
            if re.search(r'union\s+all\s+select', row['url'] + row['url_query'], re.I):
                continue  # the archived scanner request SOURCE.md names
            yield row['url_query'], 'arg', 'serps.tsv:url_query'
            for name, value in query_values(row['url']):
                yield value, 'arg', 'serps.tsv:query'


def benign_libinjection():
    for line in read_lines(os.path.join(DATA, 'libinjection-data', 'benign', 'false_positives.txt')):
        if line and not line.startswith('#'):
            yield line, 'arg', 'false_positives.txt'


# ---------------------------------------------------------------- attack sources

PLACEHOLDERS = [('XXpathXX', 'http://evil.example/shell.txt?'), ('{cmd}', 'cat /etc/passwd'), ('{target}', 'evil.example'),
                ('{domain}', 'evil.example'), ('{host}', 'evil.example')]


def attack_lines(path, cls):
    lines = read_lines(path)
    name = os.path.basename(path)
    if name == 'xss__JHADDIX_XSS_WITH_CONTEXT.doc.txt':
        lines = [l[len('Exploit String: '):] for l in lines if l.startswith('Exploit String: ')]
    elif name == 'xxe-injection-payload-list.txt':
        blocks, current = [], []
        for l in lines:
            if l.strip() == '':
                if current:
                    blocks.append('\n'.join(current))
                current = []
            elif not l.startswith(('#', '* ')):
                current.append(l)
        if current:
            blocks.append('\n'.join(current))
        lines = blocks
    elif name == 'all-attacks__all-attacks-win.txt':
        lines = [l for l in lines if not l.startswith('# a wide sample')]
    elif name in ('FUZZDB_MSSQL_Enumeration.txt', 'SQL-Injection', 'jsonp_endpoint.txt', 'Traversal.txt'):
        lines = [l for l in lines if not re.match(r'#\s*\w', l)]
    for line in lines:
        for placeholder, value in PLACEHOLDERS:
            line = line.replace(placeholder, value)
        yield line, cls, name


def attacks_in(folder, skip_classes=(), only_classes=None):
    for cls_dir in sorted(glob.glob(os.path.join(DATA, folder, '*'))):
        if not os.path.isdir(cls_dir):
            continue
        cls = os.path.basename(cls_dir)
        if cls in skip_classes or (only_classes is not None and cls not in only_classes):
            continue
        for path in sorted(glob.glob(os.path.join(cls_dir, '*'))):
            if os.path.basename(path).startswith(('LICENSE', 'SOURCE')):
                continue
            yield from attack_lines(path, cls)


def subsample(items, n, rng):
    items = list(items)
    return items if len(items) <= n else rng.sample(items, n)


# CRS's test client sends these on every request; they are not the payload.
FTW_HEADERS = {'host', 'accept', 'content-type', 'content-length', 'connection', 'proxy-connection', 'accept-encoding',
               'accept-language', 'cache-control'}
CRS_CLASS = {'930': 'lfi', '931': 'rfi', '932': 'cmdi', '933': 'php', '934': 'generic', '941': 'xss', '942': 'sqli',
             '943': 'session-fixation', '944': 'java'}


def crs_test_payloads():
    """The payload of each CRS 4 attack test (REQUEST-93x/94x, expecting a rule): its longest value."""
    import yaml
    for file in sorted(glob.glob(os.path.join(CRS_TESTS, 'REQUEST-9[34]*', '*.yaml'))):
        rule = os.path.basename(file)[:3]
        with open(file, encoding='utf-8') as f:
            doc = yaml.safe_load(f) or {}
        for test in doc.get('tests') or []:
            for stage in test.get('stages') or []:
                stage = stage.get('stage', stage)
                spec, output = stage.get('input') or {}, stage.get('output') or {}
                log = output.get('log') or {}
                if not (log.get('expect_ids') or output.get('log_contains')) or spec.get('encoded_request'):
                    continue
                candidates = []
                uri = str(spec.get('uri', '/'))
                candidates += [('arg', v) for _, v in query_values(uri)] if '?' in uri else []
                data = spec.get('data')
                if isinstance(data, list):
                    data = '\r\n'.join(data)
                ctype = ''
                for k, v in (spec.get('headers') or {}).items():
                    k = str(k).lower()
                    if k == 'content-type':
                        ctype = str(v).lower()
                    if k == 'cookie':
                        candidates += [('cookie', c.partition('=')[2]) for c in str(v).split(';')]
                    elif k not in FTW_HEADERS and not (k == 'user-agent' and 'OWASP' in str(v)):
                        candidates.append(('header', str(v)))
                if data:
                    if ctype == '' or 'x-www-form-urlencoded' in ctype:
                        candidates += [('arg', v) for _, v in query_values('?' + str(data))]
                    elif 'multipart' not in ctype:
                        candidates.append(('arg', str(data)))
                candidates = [(w, v) for w, v in candidates if len(v) > 3]
                if candidates:
                    where, value = max(candidates, key=lambda c: len(c[1]))
                    yield value, CRS_CLASS.get(rule, 'generic'), os.path.basename(file), where


# ---------------------------------------------------------------- assembly


def build():
    rng = random.Random(SEED)
    rows = []

    def add(value, label, cls, source, file, where, role, synth=False):
        if not isinstance(value, str) or value.strip() == '':
            return
        if label == 1 and len(value) <= 3:
            return
        rows.append({'value': value, 'label': label, 'cls': cls, 'source': source, 'file': file, 'where': where,
                     'role': role, 'synthetic': synth})

    for value, where, file in benign_stackoverflow():
        add(value, 0, 'benign', 'stackoverflow-titles', file, where, 'train')
    for value, where, file in benign_iscx():
        add(value, 0, 'benign', 'iscx-url2016-benign', file, where, 'train')
    for value, where, file in benign_elastic():
        add(value, 0, 'benign', 'elastic-apache-logs', file, where, 'train')
    for value, where, file in benign_nq():
        add(value, 0, 'benign', 'nq-open-queries', file, where, 'heldout')
    for value, where, file in benign_webis():
        add(value, 0, 'benign', 'webis-aql-serps', file, where, 'heldout')
    for value, where, file in benign_libinjection():
        add(value, 0, 'benign', 'libinjection-data', file, where, 'heldout')

    # attacks, training sources; the two huge near-duplicate files are subsampled (README)
    sqli = list(attacks_in('libinjection-data', only_classes={'sqli', 'xss'}))
    forums = [x for x in sqli if x[2] == 'sqli-forums.txt']
    for value, cls, file in [x for x in sqli if x[2] != 'sqli-forums.txt'] + subsample(forums, 2500, rng):
        add(value, 1, cls, 'libinjection-data', file, 'arg', 'train')
    patt = list(attacks_in('patt-payloads', skip_classes={'log4shell'}))
    dotdot = [x for x in patt if x[2] == 'dotdotpwn.txt']
    traversal = [x for x in patt if x[2] == 'Traversal.txt']
    rest = [x for x in patt if x[2] not in ('dotdotpwn.txt', 'Traversal.txt')]
    for value, cls, file in rest + subsample(dotdot, 1500, rng) + subsample(traversal, 800, rng):
        add(value, 1, cls, 'patt-payloads', file, 'arg', 'train')
    for value, cls, file, where in crs_test_payloads():
        add(value, 1, cls, 'crs-regression-tests', file, where, 'train')

    # attacks, held-out sources
    for value, cls, file in attacks_in('fuzzdb-attack'):
        add(value, 1, cls, 'fuzzdb-attack', file, 'arg', 'heldout')
    for value, cls, file in attacks_in('payloadbox'):
        add(value, 1, cls, 'payloadbox', file, 'arg', 'heldout')
    for value, cls, file in attacks_in('seclists-ssrf-nosql'):
        add(value, 1, cls, 'seclists', file, 'arg', 'heldout')
    for value, cls, file in attacks_in('patt-payloads', only_classes={'log4shell'}):
        add(value, 1, cls, 'patt-payloads', file, 'arg', 'heldout')

    # synthetic: only what the real sources lack (training side only)
    for value, label, cls, file, where in synthetic.generate(rng):
        add(value, label, cls, 'synthetic', file, where, 'train', synth=True)

    # de-duplicate after normalisation: conflicting labels out; train first, then held-out
    labels = {}
    for row in rows:
        labels.setdefault(normalise(row['value']), set()).add(row['label'])
    seen = set()
    first = {}
    kept = []
    for role in ('train', 'heldout'):
        for row in rows:
            if row['role'] != role:
                continue
            key = normalise(row['value'])
            if len(labels[key]) > 1:
                continue
            if key in seen:
                # a repeat inside the training sources weighs its first copy (real frequency: `1`, `true`)
                if role == 'train' and key in first:
                    first[key]['count'] += 1
                continue
            if role == 'train':
                row['count'] = 1
                first[key] = row
            seen.add(key)
            kept.append(row)
    for row in kept:
        row['split'] = 'heldout' if row['role'] == 'heldout' else ('val' if rng.random() < 0.15 else 'train')
        del row['role']
    return kept + second_round(labels)


def second_round(known):
    """The second round's synthetic benign values (synthetic_text.py), drawn from their own random stream and
    added after the first round's split, so that the held-out set and the first round's train/validation
    split stay exactly as they were: a value already in the corpus (any split, any label) is skipped."""
    rng = random.Random(SEED + 2)
    first = {}
    out = []
    for value, label, cls, file, where in synthetic_text.generate(rng):
        if not isinstance(value, str) or value.strip() == '':
            continue
        key = normalise(value)
        if key in known:
            continue
        if key in first:
            first[key]['count'] += 1
            continue
        row = {'value': value, 'label': label, 'cls': cls, 'source': 'synthetic', 'file': file, 'where': where, 'synthetic': True,
               'count': 1, 'split': 'val' if rng.random() < 0.15 else 'train'}
        first[key] = row
        out.append(row)
    return out


def main():
    rows = build()
    os.makedirs(CACHE, exist_ok=True)
    out = os.path.join(CACHE, 'values.jsonl')
    with open(out, 'w', encoding='utf-8') as f:
        for i, row in enumerate(rows):
            row['id'] = i
            # what `GET /?q=` carries so that ModSecurity's ARGS:q is exactly the value
            row['query'] = urllib.parse.quote(row['value'].encode('utf-8', 'surrogateescape'), safe='')
            f.write(json.dumps(row, ensure_ascii=True) + '\n')
    from collections import Counter
    counts = Counter((r['split'], r['label'], r['source'], r['synthetic']) for r in rows)
    for key in sorted(counts):
        print(*key, counts[key], sep='\t')
    print('wrote', len(rows), 'values to', out)


if __name__ == '__main__':
    main()
