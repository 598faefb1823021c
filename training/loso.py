"""Leave-one-source-out validation of the payload model, inside the training sources only (never `heldout`).

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2.
Each fold leaves one real benign source and one real attack source out of the fit: it trains on the
`train` split of the other sources (synthetic rows always stay in), picks the threshold on the `val`
split of the sources it kept (validation false positives <= 0.1 %, train_payload.py's first rule), and
measures on every row (train + val) of the two sources it left out: how the model and its threshold hold
on a source it never saw. That is the question the held-out evaluation asks; this answers it without
looking at the held-out sources.

    /usr/bin/python3 training/loso.py CONFIG [CONFIG ...]    # configs: see CONFIGS

Writes training/results/loso.json (merged per config) and the out-of-source scores to
$CRS_ML_CACHE/loso-<config>.npz (train_payload.py's second threshold rule reads them).
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_payload import CACHE, CONFIGS, fit, load, threshold_for, value_scores  # noqa: E402

FOLDS = [('stackoverflow-titles', 'libinjection-data'), ('iscx-url2016-benign', 'patt-payloads'),
         ('elastic-apache-logs', 'crs-regression-tests')]
RESULTS = os.path.join(HERE, 'results', 'loso.json')


def run(config, train, val):
    folds = []
    out_scores, out_labels, out_sources = [], [], []
    for benign_src, attack_src in FOLDS:
        started = time.time()
        left = {benign_src, attack_src}
        model = fit(config, [r for r in train if r['source'] not in left])
        kept_val = [r for r in val if r['source'] not in left]
        y_in = np.array([r['label'] for r in kept_val])
        s_in = value_scores(model, kept_val)
        threshold = threshold_for(s_in[y_in == 0], 0.001)
        out = [r for r in train + val if r['source'] in left]
        y_out = np.array([r['label'] for r in out])
        s_out = value_scores(model, out)
        fold = {'left_out': [benign_src, attack_src], 'threshold_in_domain': threshold,
                'in_domain_auc': roc_auc_score(y_in, s_in),
                'in_domain_detection': float(np.mean(s_in[y_in == 1] > threshold)),
                'left_out_benign_fp': float(np.mean(s_out[y_out == 0] > threshold)), 'left_out_benign_n': int(np.sum(y_out == 0)),
                'left_out_detection': float(np.mean(s_out[y_out == 1] > threshold)), 'left_out_attack_n': int(np.sum(y_out == 1)),
                'left_out_auc': roc_auc_score(y_out, s_out), 'seconds': round(time.time() - started)}
        print(config, json.dumps(fold), flush=True)
        folds.append(fold)
        out_scores.append(s_out)
        out_labels.append(y_out)
        out_sources += [r['source'] for r in out]
    scores, labels = np.concatenate(out_scores), np.concatenate(out_labels)
    np.savez_compressed(os.path.join(CACHE, f'loso-{config}.npz'), scores=scores, labels=labels, sources=np.array(out_sources))
    summary = {'folds': folds,
               'mean_left_out_benign_fp': float(np.mean([f['left_out_benign_fp'] for f in folds])),
               'worst_left_out_benign_fp': float(np.max([f['left_out_benign_fp'] for f in folds])),
               'mean_left_out_detection': float(np.mean([f['left_out_detection'] for f in folds])),
               'pooled_left_out_auc': roc_auc_score(labels, scores)}
    for fpr in (0.0025, 0.005):  # the pooled out-of-source threshold for a false-positive budget, and what it catches
        t = threshold_for(scores[labels == 0], fpr)
        summary[f'pooled_threshold_fp_{fpr}'] = t
        summary[f'pooled_detection_fp_{fpr}'] = float(np.mean(scores[labels == 1] > t))
    return summary


def main():
    configs = sys.argv[1:] or list(CONFIGS)
    train, val = load('train'), load('val')
    results = {}
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            results = json.load(f)
    for config in configs:
        results[config] = {'params': CONFIGS[config], **run(config, train, val)}
        print(config, {k: v for k, v in results[config].items() if k not in ('folds', 'params')}, flush=True)
        os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
        with open(RESULTS, 'w') as f:
            json.dump(results, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
