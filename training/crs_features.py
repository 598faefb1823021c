"""Python twin of src/features/crs-v1.ts: CRS's scores (contract v2 `crs` pairs) -> 12 log(1 + score) numbers.

Pinned: Debian's /usr/bin/python3 (3.11), numpy 1.24.2.
"""
import math

NAMES = ['pl1', 'pl2', 'pl3', 'pl4', 'sqli', 'xss', 'rce', 'lfi', 'rfi', 'php', 'http', 'session']
COLUMN = {**{f'inbound_anomaly_score_pl{pl}': pl - 1 for pl in range(1, 5)}, **{f'anomaly_score_pl{pl}': pl - 1 for pl in range(1, 5)},
          'sql_injection_score': 4, 'xss_score': 5, 'rce_score': 6, 'lfi_score': 7, 'rfi_score': 8, 'php_injection_score': 9,
          'http_violation_score': 10, 'session_fixation_score': 11}
# crs-scores.ts short names -> TX names
SHORT = {'pl1': 'inbound_anomaly_score_pl1', 'pl2': 'inbound_anomaly_score_pl2', 'pl3': 'inbound_anomaly_score_pl3',
         'pl4': 'inbound_anomaly_score_pl4', 'sqli': 'sql_injection_score', 'xss': 'xss_score', 'rce': 'rce_score', 'lfi': 'lfi_score',
         'rfi': 'rfi_score', 'php': 'php_injection_score', 'http': 'http_violation_score', 'session': 'session_fixation_score'}


def crs_features(pairs):
    raw = [0.0] * len(NAMES)
    for name, value in pairs:
        column = COLUMN.get(name[3:] if name.startswith('tx.') else name)
        if column is not None and math.isfinite(value) and value > raw[column]:
            raw[column] = float(value)
    return [math.log1p(x) for x in raw]


def pairs_from_scores(scores):
    """A crs-scores.ts row (short names) -> the `crs` pairs the plugin would send."""
    return [(SHORT[k], scores[k]) for k in NAMES if k in scores]
