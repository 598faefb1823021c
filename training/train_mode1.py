"""Trains the bundled mode-1 model (saved_models/crs-stack-v1): the payload model's evidence stacked with
CRS 4's own scores, served by the `crs-stack` adapter.

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2, joblib 1.2.
Needs saved_models/payload-v1 (train_payload.py) and the CRS scores of the corpus (crs-scores.ts,
read by crs_join.py). Fits on the `train` split, chooses the threshold on `val`; never reads `heldout`.

In mode 1 the model only sees requests CRS flagged, so it learns from those: every training value
CRS 4 blocks at PL1 (with the PL1 run's scores) or at PL2 (with the PL2 run's scores) becomes one
row [highest item decision_function of payload-v1, crs-v1 features]. The threshold keeps at least
99 % of the validation attacks CRS caught at PL2, and is the highest such threshold.
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
from crs_join import load_crs, view  # noqa: E402
from train_payload import CACHE, load, value_items  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, '..'))
PAYLOAD = os.path.join(ROOT, 'saved_models', 'payload-v1', 'model.joblib')
OUT = os.path.join(ROOT, 'saved_models', 'crs-stack-v1')
KEEP_CAUGHT = 0.99
# Second round (--cross-fitted CONFIG): the same aim on out-of-source scores, with a margin for the noise of a small pool.
KEEP_CROSS = 0.995


def evidence(payload, rows):
    """Highest decision_function over each value's items."""
    texts, owner = [], []
    for i, row in enumerate(rows):
        items = value_items(row) or ['']
        texts += items
        owner += [i] * len(items)
    scores = payload.decision_function(texts)
    out = np.full(len(rows), -np.inf)
    np.maximum.at(out, np.array(owner), scores)
    return out


def stacked(payload, rows, crs, pls=(1, 2)):
    """Rows CRS flags at each PL in `pls`: (X, y, pl, row index)."""
    keep = []
    for i, row in enumerate(rows):
        entry = crs.get(row['query'])
        if entry is None:
            continue
        for pl in pls:
            scores = view(entry, pl)
            if scores is not None:
                keep.append((i, pl, crs_features(pairs_from_scores(scores))))
    ev = evidence(payload, [rows[i] for i, _, _ in keep])
    X = np.array([[e] + f for e, (_, _, f) in zip(ev, keep)])
    y = np.array([rows[i]['label'] for i, _, _ in keep])
    return X, y, np.array([pl for _, pl, _ in keep]), np.array([i for i, _, _ in keep])


def out_of_source_evidence(config, train, val):
    """The payload evidence (decision_function) of each real training-source value from the leave-one-source-out
    fold that did not see its source (loso.py): row -> evidence, for rows of the six real sources."""
    from loso import FOLDS
    saved = np.load(os.path.join(CACHE, f'loso-{config}.npz'))
    p = np.clip(saved['scores'], 1e-15, 1 - 1e-15)
    logit = np.log(p) - np.log1p(-p)
    rows, fold = [], []
    for k, left in enumerate(FOLDS):
        out = [r for r in train + val if r['source'] in left]
        rows += out
        fold += [k] * len(out)
    assert len(rows) == len(logit) and all(a == b for a, b in zip((r['source'] for r in rows), saved['sources']))
    return rows, logit, np.array(fold)


def cross_fitted(config, crs):
    """Mode-1 rows built from out-of-source evidence: (X, y, pl, fold). The combiner then learns how far to
    trust the payload model on a source it never saw, not on its own training rows."""
    rows, logit, fold = out_of_source_evidence(config, load('train'), load('val'))
    X, y, pls, folds = [], [], [], []
    for i, row in enumerate(rows):
        entry = crs.get(row['query'])
        if entry is None:
            continue
        for pl in (1, 2):
            scores = view(entry, pl)
            if scores is not None:
                X.append([logit[i]] + crs_features(pairs_from_scores(scores)))
                y.append(row['label'])
                pls.append(pl)
                folds.append(fold[i])
    return np.array(X), np.array(y), np.array(pls), np.array(folds)


def main():
    crs = load_crs()
    if '--cross-fitted' in sys.argv:
        return main_cross_fitted(crs, sys.argv[sys.argv.index('--cross-fitted') + 1])
    payload = joblib.load(PAYLOAD)
    train, val = load('train'), load('val')
    X, y, _, _ = stacked(payload, train, crs)
    print(f'training rows (flagged by CRS at PL1 or PL2): {len(y)}, attacks {int(y.sum())}, benign {int(len(y) - y.sum())}')
    combiner = LogisticRegression(C=1.0, class_weight='balanced', max_iter=2000)
    combiner.fit(X, y)
    print('coefficients [evidence, crs-v1...]:', np.round(combiner.coef_[0], 3).tolist(), 'intercept', round(float(combiner.intercept_[0]), 3))

    Xv, yv, plv, iv = stacked(payload, val, crs)
    pv = combiner.predict_proba(Xv)[:, 1]
    at2 = plv == 2
    caught = np.sort(pv[at2 & (yv == 1)])
    threshold = float(caught[int(np.floor((1 - KEEP_CAUGHT) * len(caught)))]) - 1e-12
    benign_val = sum(1 for r in val if r['label'] == 0 and r['query'] in crs)
    fp2 = int(np.sum(at2 & (yv == 0) & (pv > threshold)))
    kept = float(np.mean(caught > threshold))
    auc = roc_auc_score(yv[at2], pv[at2])
    print(f'validation (PL2, flagged only): AUC {auc:.5f}; threshold {threshold:.6f}; keeps {kept:.4%} of caught attacks; '
          f'false positives {fp2} of {benign_val} benign values ({fp2 / max(benign_val, 1):.4%}); CRS alone flagged {int(np.sum(at2 & (yv == 0)))}')
    for s, i in sorted(((p, i) for p, i, l, a in zip(pv, iv, yv, at2) if a and l == 0 and p > threshold), reverse=True)[:15]:
        print('  FP', round(float(s), 4), val[i]['source'], val[i]['value'][:90])
    info = {'train_rows': int(len(y)), 'train_attacks': int(y.sum()), 'val_rows': int(len(yv)), 'val_auc_pl2_flagged': round(auc, 6),
            'threshold_rule': f'keep >= {KEEP_CAUGHT:.1%} of the validation attacks CRS PL2 caught', 'threshold': threshold,
            'val_kept': round(kept, 6), 'val_false_positives_pl2': fp2, 'val_benign_values': benign_val}
    save(payload, combiner, threshold, info)


def main_cross_fitted(crs, config):
    """Second round: the combiner learns from out-of-source evidence (loso.py folds), and its threshold is chosen
    on out-of-fold combiner scores (fit on two folds, score the third), keeping KEEP_CROSS of the attacks CRS PL2
    caught in the pool. Benign values CRS PL2 flags in the pool are the false positives it can still let pass."""
    payload = joblib.load(PAYLOAD)
    X, y, pls, folds = cross_fitted(config, crs)
    print(f'cross-fitted rows (flagged by CRS at PL1 or PL2): {len(y)}, attacks {int(y.sum())}, benign {int(len(y) - y.sum())}')
    oof = np.zeros(len(y))
    for k in np.unique(folds):
        c = LogisticRegression(C=1.0, class_weight='balanced', max_iter=2000).fit(X[folds != k], y[folds != k])
        oof[folds == k] = c.predict_proba(X[folds == k])[:, 1]
    at2 = pls == 2
    caught = np.sort(oof[at2 & (y == 1)])
    benign2 = oof[at2 & (y == 0)]
    n_benign = int(np.sum(at2 & (y == 0)))
    for keep in (0.99, 0.993, 0.995, 0.997):
        t = float(caught[int(np.floor((1 - keep) * len(caught)))]) - 1e-12
        print(f'  out-of-fold: keep {keep:.1%} -> threshold {t:.6f}, lets {np.mean(benign2 <= t):.2%} of the {n_benign} benign values CRS PL2 flags pass')
    threshold = float(caught[int(np.floor((1 - KEEP_CROSS) * len(caught)))]) - 1e-12
    kept = float(np.mean(caught > threshold))
    fp_left = int(np.sum(benign2 > threshold))
    combiner = LogisticRegression(C=1.0, class_weight='balanced', max_iter=2000).fit(X, y)
    print('coefficients [evidence, crs-v1...]:', np.round(combiner.coef_[0], 3).tolist(), 'intercept', round(float(combiner.intercept_[0]), 3))
    auc = roc_auc_score(y[at2], oof[at2])
    info = {'train_rows': int(len(y)), 'train_attacks': int(y.sum()), 'evidence': f'out-of-source (loso.py, config {config})',
            'oof_auc_pl2_flagged': round(auc, 6),
            'threshold_rule': f'keep >= {KEEP_CROSS:.1%} of the attacks CRS PL2 caught, on out-of-fold scores of the leave-one-source-out pool',
            'threshold': threshold, 'oof_kept': round(kept, 6), 'oof_benign_flagged_by_pl2': n_benign, 'oof_benign_still_blocked': fp_left}
    print(json.dumps(info))
    save(payload, combiner, threshold, info)


def save(payload, combiner, threshold, info):
    os.makedirs(OUT, exist_ok=True)
    joblib.dump({'payload': payload, 'combiner': combiner, 'features': ['payload_evidence'] + ['crs_' + n for n in
                 ('pl1', 'pl2', 'pl3', 'pl4', 'sqli', 'xss', 'rce', 'lfi', 'rfi', 'php', 'http', 'session')]},
                os.path.join(OUT, 'model.joblib'), compress=3)
    manifest = {'name': 'crs-stack-v1', 'adapter': 'crs-stack', 'model': 'model.joblib', 'threshold': round(threshold, 6), 'anomalyWhen': 'above'}
    with open(os.path.join(OUT, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    with open(os.path.join(OUT, 'training.json'), 'w') as f:
        json.dump({**info, 'coefficients': combiner.coef_[0].tolist(), 'intercept': float(combiner.intercept_[0])}, f, indent=2)
        f.write('\n')
    print('wrote', OUT, 'from', CACHE)


if __name__ == '__main__':
    main()
