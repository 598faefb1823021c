"""Trains crs-stack-mode2-v1 (an experiment, not shipped: $CRS_ML_CACHE/experimental/crs-stack-mode2-v1): plugin mode 2 (the model decides alone) with CRS's own scores as an
input, for sites running CRS 4 at paranoia level 2. Served by the `crs-stack` adapter, like crs-stack-v1.

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2, joblib 1.2.
Needs saved_models/payload-v1 (train_payload.py) and the CRS scores of the corpus (crs_join.py). Unlike
crs-stack-v1 (mode 1: only the values CRS flags), every value with a CRS 4 PL2 verdict is a row, flagged
or not: [highest item decision_function of payload-v1, crs-v1 features of the PL2 run]. Values without a
CRS verdict in the cache (the second round's synthetic values, and training values the CRS run did not
cover) are left out of the combiner. Fits on `train`, chooses the threshold on `val` (false positives
<= 0.1 % of the validation benign values with a CRS verdict, payload-v1's in-domain rule); never reads
`heldout`.
"""
import json
import os
import sys

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from crs_features import crs_features, pairs_from_scores  # noqa: E402
from crs_join import load_crs  # noqa: E402
from train_mode1 import PAYLOAD, evidence  # noqa: E402
from train_payload import CACHE, load, threshold_for  # noqa: E402

# Not shipped (REPORT.md: it blocks 10 of the 260 everyday requests): written to the cache, outside the repository.
OUT = os.path.join(CACHE, 'experimental', 'crs-stack-mode2-v1')
TARGET_VAL_FPR = 0.001


def rows_with_crs(payload, rows, crs):
    keep = [r for r in rows if r['query'] in crs and crs[r['query']]['pl2'] is not None]
    ev = evidence(payload, keep)
    X = np.array([[e] + crs_features(pairs_from_scores(crs[r['query']]['pl2'])) for e, r in zip(ev, keep)])
    return X, np.array([r['label'] for r in keep]), keep


def main():
    payload = joblib.load(PAYLOAD)
    crs = load_crs()
    X, y, _ = rows_with_crs(payload, load('train'), crs)
    print(f'training rows with a CRS PL2 verdict: {len(y)}, attacks {int(y.sum())}, benign {int(len(y) - y.sum())}')
    combiner = LogisticRegression(C=1.0, class_weight='balanced', max_iter=2000).fit(X, y)
    print('coefficients [evidence, crs-v1...]:', np.round(combiner.coef_[0], 3).tolist(), 'intercept', round(float(combiner.intercept_[0]), 3))
    Xv, yv, val = rows_with_crs(payload, load('val'), crs)
    pv = combiner.predict_proba(Xv)[:, 1]
    threshold = threshold_for(pv[yv == 0], TARGET_VAL_FPR)
    fpr, tpr, auc = float(np.mean(pv[yv == 0] > threshold)), float(np.mean(pv[yv == 1] > threshold)), roc_auc_score(yv, pv)
    print(f'validation: AUC {auc:.5f}; threshold {threshold:.6f}: detection {tpr:.4%}, false positives {fpr:.4%} of {int(np.sum(yv == 0))}')
    os.makedirs(OUT, exist_ok=True)
    joblib.dump({'payload': payload, 'combiner': combiner, 'features': ['payload_evidence'] + ['crs_' + n for n in
                 ('pl1', 'pl2', 'pl3', 'pl4', 'sqli', 'xss', 'rce', 'lfi', 'rfi', 'php', 'http', 'session')]},
                os.path.join(OUT, 'model.joblib'), compress=3)
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump({'name': 'crs-stack-mode2-v1', 'adapter': 'crs-stack', 'model': 'model.joblib', 'threshold': round(threshold, 6),
                   'anomalyWhen': 'above'}, f, indent=2)
        f.write('\n')
    with open(os.path.join(OUT, 'training.json'), 'w') as f:
        json.dump({'train_rows': int(len(y)), 'train_attacks': int(y.sum()), 'val_rows': int(len(yv)), 'val_auc': round(auc, 6),
                   'threshold_rule': f'validation false positives <= {TARGET_VAL_FPR:.1%} (values with a CRS 4 PL2 verdict)',
                   'threshold': threshold, 'val_detection': round(tpr, 6), 'val_false_positives': round(fpr, 6),
                   'coefficients': combiner.coef_[0].tolist(), 'intercept': float(combiner.intercept_[0])}, f, indent=2)
        f.write('\n')
    print('wrote', OUT, 'from', CACHE)


if __name__ == '__main__':
    main()
