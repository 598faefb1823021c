"""Held-out evaluation of the bundled models next to CRS 4 alone; writes training/results/heldout.json and
the tables of training/REPORT.md (between its <!-- tables --> markers).

Pinned: Debian's /usr/bin/python3 (3.11), scikit-learn 1.2.1, numpy 1.24.2, joblib 1.2.
`--split val` checks the script on validation data without writing anything.
Run once, after training, on the `heldout` split of values.jsonl (sources never trained on):
each value was sent as `GET /?q=<value>` through Apache 2.4 + ModSecurity 2.9 + CRS 4 at PL2 (every
value) and PL1 (values the PL2 run scored pl1 >= 5) by crs-scores.ts. Model scores come from
scikit-learn on the same inputs the server builds (payload-v1 items of `?q=<value>`, the CRS scores
the plugin would send); test/models/payload-v1-parity.test.ts shows the served scores equal them.

Configurations: CRS alone (PL1, PL2: blocked when the inbound score >= 5); mode 2 (the model alone);
mode 1 + PLn (blocked when CRS flags it AND the model confirms).
"""
import json
import os
import sys
from collections import Counter, defaultdict

import joblib
import numpy as np
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from crs_features import crs_features, pairs_from_scores  # noqa: E402
from crs_join import flagged, load_crs  # noqa: E402
from train_mode1 import evidence  # noqa: E402
from train_payload import CACHE, load  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, '..'))
RESULTS = os.path.join(HERE, 'results', 'heldout.json')
REPORT = os.path.join(HERE, 'REPORT.md')


def manifest(name):
    with open(os.path.join(ROOT, 'saved_models', name, 'manifest.json')) as f:
        return json.load(f)


def rate(mask, within):
    n = int(np.sum(within))
    return {'n': n, 'hits': int(np.sum(mask & within)), 'rate': float(np.sum(mask & within) / n) if n else None}


def main():
    split = sys.argv[sys.argv.index('--split') + 1] if '--split' in sys.argv else 'heldout'
    rows = [r for r in load(split)]
    crs = load_crs()
    scored = [r for r in rows if r['query'] in crs and crs[r['query']]['pl2'] is not None]
    missing = Counter(r['source'] for r in rows if r not in scored)
    rows = scored
    y = np.array([r['label'] for r in rows])
    attack, benign = y == 1, y == 0
    pl2_runs = [crs[r['query']]['pl2'] for r in rows]
    pl1_runs = [crs[r['query']]['pl1'] for r in rows]
    crs1 = np.array([flagged(s, 1) for s in pl2_runs])
    crs2 = np.array([flagged(s, 2) for s in pl2_runs])

    payload_m = manifest('payload-v1')
    stack_m = manifest('crs-stack-v1')
    stack = joblib.load(os.path.join(ROOT, 'saved_models', 'crs-stack-v1', 'model.joblib'))
    ev = evidence(stack['payload'], rows)
    payload_score = 1 / (1 + np.exp(-ev))  # predict_proba[:,1] of a binary LogisticRegression, per item max
    p_block = payload_score > payload_m['threshold']

    def stack_scores(runs):
        X = np.array([[e] + crs_features(pairs_from_scores(s if s is not None else {})) for e, s in zip(ev, runs)])
        return stack['combiner'].predict_proba(X)[:, 1]

    # CRS scores the plugin sends at each PL: the PL2 run's, or the PL1 run's (only flagged values have one)
    stack2 = stack_scores(pl2_runs)
    stack1 = stack_scores([p1 if p1 is not None else p2 for p1, p2 in zip(pl1_runs, pl2_runs)])
    s2_block, s1_block = stack2 > stack_m['threshold'], stack1 > stack_m['threshold']
    # second round: mode 2 with CRS's PL2 scores as an input (saved_models/crs-stack-mode2-v1), every value
    # (an experiment, not shipped: train_mode2_stack.py writes it to $CRS_ML_CACHE/experimental/)
    m2_dir = os.path.join(CACHE, 'experimental', 'crs-stack-mode2-v1')
    with open(os.path.join(m2_dir, 'manifest.json')) as f:
        m2_m = json.load(f)
    m2 = joblib.load(os.path.join(m2_dir, 'model.joblib'))
    m2_scores = m2['combiner'].predict_proba(np.array([[e] + crs_features(pairs_from_scores(s)) for e, s in zip(
        evidence(m2['payload'], rows), pl2_runs)]))[:, 1]
    m2_block = m2_scores > m2_m['threshold']

    configs = {
        'CRS 4 PL1 alone': crs1,
        'CRS 4 PL2 alone': crs2,
        'payload-v1, mode 2': p_block,
        'payload-v1, mode 1 + PL1': crs1 & p_block,
        'payload-v1, mode 1 + PL2': crs2 & p_block,
        'crs-stack-v1, mode 1 + PL1': crs1 & s1_block,
        'crs-stack-v1, mode 1 + PL2': crs2 & s2_block,
        'crs-stack-mode2-v1, mode 2 at PL2': m2_block,
    }
    results = {'values': {'attack': int(attack.sum()), 'benign': int(benign.sum())}, 'not_scored_by_crs': dict(missing),
               'thresholds': {'payload-v1': payload_m['threshold'], 'crs-stack-v1': stack_m['threshold'], 'crs-stack-mode2-v1': m2_m['threshold']},
               'auc': {'payload-v1 (all held-out values)': float(roc_auc_score(y, payload_score)),
                       'crs-stack-v1 with PL2 scores (all held-out values)': float(roc_auc_score(y, stack2)),
                       'crs-stack-mode2-v1 with PL2 scores (all held-out values)': float(roc_auc_score(y, m2_scores))},
               'configs': {}, 'per_class': defaultdict(dict), 'per_source': defaultdict(dict), 'lost': {}}
    for name, block in configs.items():
        results['configs'][name] = {'detection': rate(block, attack), 'false_positives': rate(block, benign)}
        results['configs'][name]['of_crs_pl2_catches'] = rate(block, attack & crs2)
        for cls in sorted({r['cls'] for r in rows if r['label'] == 1}):
            within = attack & np.array([r['cls'] == cls for r in rows])
            results['per_class'][cls][name] = rate(block, within)
        for source in sorted({r['source'] for r in rows}):
            within = np.array([r['source'] == source for r in rows])
            results['per_source'][source][name] = rate(block, within)
    for name in ('payload-v1, mode 1 + PL2', 'crs-stack-v1, mode 1 + PL2'):
        lost = attack & crs2 & ~configs[name]
        results['lost'][name] = [rows[i]['value'][:120] for i in np.flatnonzero(lost)[:40]]
    fps = {name: [rows[i]['value'][:120] for i in np.flatnonzero(block & benign)[:40]] for name, block in configs.items()}
    results['false_positive_values'] = fps
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    if split != 'heldout':  # a dry run on validation data (to check the script), never written to REPORT.md
        print(json.dumps(results['configs'], indent=1)[:3000])
        return
    with open(RESULTS, 'w') as f:
        json.dump(results, f, indent=1)
        f.write('\n')
    write_tables(results)
    print(json.dumps({k: results[k] for k in ('values', 'auc', 'thresholds')}, indent=1))
    for name, c in results['configs'].items():
        print(f"{name:32s} detection {c['detection']['rate']:.4%}  FP {c['false_positives']['rate']:.4%}  of PL2 catches {c['of_crs_pl2_catches']['rate']:.4%}")


def pct(r):
    return '–' if r['rate'] is None else f"{100 * r['rate']:.2f} % ({r['hits']}/{r['n']})"


def write_tables(results):
    lines = ['| configuration | attacks caught | benign blocked | of the attacks CRS PL2 catches |', '|---|---|---|---|']
    for name, c in results['configs'].items():
        lines.append(f"| {name} | {pct(c['detection'])} | {pct(c['false_positives'])} | {pct(c['of_crs_pl2_catches'])} |")
    lines += ['', '| ROC AUC | value |', '|---|---|'] + [f'| {k} | {v:.5f} |' for k, v in results['auc'].items()]
    names = list(results['configs'])
    lines += ['', 'Detection per attack class (held-out):', '', '| class | ' + ' | '.join(names) + ' |', '|---|' + '---|' * len(names)]
    for cls, per in results['per_class'].items():
        lines.append(f'| {cls} | ' + ' | '.join(pct(per[n]) for n in names) + ' |')
    lines += ['', 'Blocked share per held-out source:', '', '| source | ' + ' | '.join(names) + ' |', '|---|' + '---|' * len(names)]
    for source, per in results['per_source'].items():
        lines.append(f'| {source} | ' + ' | '.join(pct(per[n]) for n in names) + ' |')
    first = os.path.join(HERE, 'results', 'heldout-first.json')
    if os.path.exists(first):  # the first evaluation's models (same held-out values), side by side
        with open(first) as f:
            before = json.load(f)
        lines += ['', 'Side by side with the first evaluation (same held-out values; first → second round models):', '',
                  '| configuration | attacks caught | benign blocked | of the attacks CRS PL2 catches |', '|---|---|---|---|']
        for name, c in results['configs'].items():
            b = before['configs'].get(name)
            if b is None:
                continue
            lines.append(f"| {name} | {pct(b['detection'])} → {pct(c['detection'])} | {pct(b['false_positives'])} → "
                         f"{pct(c['false_positives'])} | {pct(b['of_crs_pl2_catches'])} → {pct(c['of_crs_pl2_catches'])} |")
        for k, v in results['auc'].items():
            if k in before['auc']:
                lines.append(f"| ROC AUC, {k} | {before['auc'][k]:.5f} → {v:.5f} | | |")
    table = '\n'.join(lines)
    text = open(REPORT, encoding='utf-8').read() if os.path.exists(REPORT) else '<!-- tables -->\n<!-- /tables -->\n'
    start, end = text.index('<!-- tables -->'), text.index('<!-- /tables -->')
    with open(REPORT, 'w', encoding='utf-8') as f:
        f.write(text[:start] + '<!-- tables -->\n' + table + '\n' + text[end:])


if __name__ == '__main__':
    main()
