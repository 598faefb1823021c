#!/usr/bin/python3
"""XGBoost's own timings for bench/xgboost.bench.ts: load time, one-row latency and batch rows/s of the
committed 100-tree model (test/fixtures/xgboost/1.7/waf58.joblib, XGBoost 1.7.4), measured the same
way as the TypeScript side (CPU time, median of rounds; the model has n_jobs=1).
Usage: /usr/bin/python3 bench/xgboost_timing.py SPEC_JSON   (prints one JSON object)"""
import json
import statistics
import sys
import time
import warnings

import joblib
import numpy as np
import xgboost

warnings.filterwarnings("ignore")
spec = json.loads(sys.argv[1])
X = np.array([[np.nan if v is None else v for v in row] for row in spec["rows"]], dtype=np.float64)


def median_time(fn, repeat, rounds=5):
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            fn()
        samples.append((time.process_time() - start) / repeat)
    return statistics.median(samples)


load_s = median_time(lambda: joblib.load(spec["file"]), 1)
model = joblib.load(spec["file"])
booster = model.get_booster()
singles = [X[i:i + 1] for i in range(len(X))]
cursor = [0]


def one_row(fn):
    def call():
        cursor[0] += 1
        return fn(singles[cursor[0] % len(singles)])
    call()
    return median_time(call, max(20, int(0.3 / max(median_time(call, 3, 1), 1e-6))))


batch = np.vstack([X] * (spec["batchRows"] // len(X) + 1))[: spec["batchRows"]]
out = {
    "python": sys.version.split()[0], "numpy": np.__version__, "xgboost": xgboost.__version__,
    "loadMs": load_s * 1e3,
    "singleUs": one_row(model.predict_proba) * 1e6,
    "inplaceUs": one_row(lambda x: booster.inplace_predict(x)) * 1e6,
    "batchRowsPerS": len(batch) / median_time(lambda: model.predict_proba(batch), 1, 3),
}
print(json.dumps(out))
