"""CRS 4 scores of the corpus values (training/crs-scores.ts output), joined by the value's `query`.

Pinned: Debian's /usr/bin/python3 (3.11). The score files live in $CRS_ML_CRS_CACHE (default
/work/cache-models): crs-pl2-{heldout,train}.jsonl (every value, PL2 run) and crs-pl1-{heldout,train}.jsonl
(PL1 run, only the values the PL2 run scored pl1 >= 5: a value under 5 at PL1 is never flagged there).
Rows carry the value's `query` (newer runs) or an `id` into the values.jsonl of that run.
"""
import json
import os

from crs_features import NAMES

CRS_CACHE = os.environ.get('CRS_ML_CRS_CACHE', '/work/cache-models')
# CRS 4's default inbound anomaly score threshold: blocked at or above it.
CRS_THRESHOLD = 5


def _read(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def load_crs():
    """query -> {'pl2': scores of the PL2 run, 'pl1': scores of the PL1 run or None}; scores by short name."""
    queries = {}
    values_file = os.path.join(CRS_CACHE, 'values.jsonl')
    if os.path.exists(values_file):
        for row in _read(values_file):
            queries[row['id']] = row['query']
    table = {}
    for pl in (2, 1):
        for part in ('heldout', 'train'):
            path = os.path.join(CRS_CACHE, f'crs-pl{pl}-{part}.jsonl')
            if not os.path.exists(path):
                continue
            for row in _read(path):
                query = row.get('query') or queries[row['id']]
                if not row['logged']:
                    continue  # no answer from Apache (e.g. URI too long): no CRS verdict to compare with
                entry = table.setdefault(query, {'pl2': None, 'pl1': None})
                entry[f'pl{pl}'] = {k: row[k] for k in NAMES}
    return table


def flagged(scores, pl):
    """Whether CRS blocks at paranoia level `pl` (1 or 2) given a run's scores."""
    if scores is None:
        return False
    total = scores['pl1'] + (scores['pl2'] if pl >= 2 else 0)
    return total >= CRS_THRESHOLD


def view(entry, pl):
    """The CRS scores a site at PL `pl` would send for this value, or None when it does not flag it."""
    if pl == 2:
        return entry['pl2'] if flagged(entry['pl2'], 2) else None
    if not flagged(entry['pl2'], 1):
        return None
    return entry['pl1']
