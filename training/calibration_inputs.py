"""Writes the validation requests `crs-ml-server calibrate` reads for each bundled model, into the cache
(derived from ../shared/datasets, so never committed): $CRS_ML_CACHE/calibrate/{payload,stack,stack2}-{benign,attack}.jsonl.

Pinned: Debian's /usr/bin/python3 (3.11). Validation split only (the threshold is chosen there).
payload-v1: every validation value as `GET /?q=<value>` (headers and cookies where the value is one);
crs-stack-v1: the validation values CRS 4 flags at PL2, with the CRS scores the plugin would send;
crs-stack-mode2-v1 (not shipped): every validation value with a CRS 4 PL2 verdict, with those scores.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from crs_features import pairs_from_scores  # noqa: E402
from crs_join import load_crs, view  # noqa: E402
from train_payload import CACHE, load  # noqa: E402


def request_line(row, crs=None):
    def obj(pairs):
        return '{' + ','.join(json.dumps(k) + ':' + json.dumps(v) for k, v in pairs) + '}'
    args, headers, cookies, path = [], [], [], '/'
    if row['where'] == 'arg':
        args = [('ARGS:q', row['value'])]
    elif row['where'] == 'header':
        headers = [('REQUEST_HEADERS:X-Value', row['value'])]
    elif row['where'] == 'cookie':
        cookies = [('REQUEST_COOKIES:v', row['value'])]
    else:
        path = row['value']
    line = '{"v":2,"method":"GET","path":%s,"args":%s,"files":{},"sizes":{},"hour":12,"day":15,"headers":%s,"cookies":%s' % (
        json.dumps(path), obj(args), obj(headers), obj(cookies))
    if crs is not None:
        line += ',"crs":' + obj(crs)
    return line + '}'


def main():
    out = os.path.join(CACHE, 'calibrate')
    os.makedirs(out, exist_ok=True)
    val = load('val')
    crs = load_crs()
    files = {name: open(os.path.join(out, name + '.jsonl'), 'w', encoding='utf-8') for name in
             ('payload-benign', 'payload-attack', 'stack-benign', 'stack-attack', 'stack2-benign', 'stack2-attack')}
    for row in val:
        kind = 'attack' if row['label'] == 1 else 'benign'
        files['payload-' + kind].write(request_line(row) + '\n')
        entry = crs.get(row['query'])
        scores = view(entry, 2) if entry else None
        if scores is not None:
            files['stack-' + kind].write(request_line(row, pairs_from_scores(scores)) + '\n')
        if entry and entry['pl2'] is not None:  # crs-stack-mode2-v1: every value with a PL2 verdict, flagged or not
            files['stack2-' + kind].write(request_line(row, pairs_from_scores(entry['pl2'])) + '\n')
    for f in files.values():
        f.close()
    print('wrote', out)


if __name__ == '__main__':
    main()
