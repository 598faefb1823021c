#!/usr/bin/python3
"""sklearn's own timings for bench/sklearn.bench.ts: load time, one-row latency and batch rows/s of
the committed waf-v1 models, measured the same way as the TypeScript side (median of rounds).
Usage: /usr/bin/python3 bench/sklearn_timing.py MODELS_JSON   (prints one JSON object)"""
import json
import statistics
import sys
import time
import warnings

import joblib
import numpy as np
import sklearn

warnings.filterwarnings("ignore")
spec = json.loads(sys.argv[1])
X = np.array(spec["rows"], dtype=np.float64)
out = {"python": sys.version.split()[0], "numpy": np.__version__, "sklearn": sklearn.__version__, "models": {}}


def median_time(fn, repeat, rounds=5):
    samples = []
    for _ in range(rounds):
        start = time.process_time()  # CPU time, as the TypeScript side measures
        for _ in range(repeat):
            fn()
        samples.append((time.process_time() - start) / repeat)
    return statistics.median(samples)


for model in spec["models"]:
    load_s = median_time(lambda: joblib.load(model["file"]), 1)
    m = joblib.load(model["file"])
    method = getattr(m, model["method"])
    singles = [X[i:i + 1] for i in range(len(X))]
    cursor = [0]

    def one_row():
        cursor[0] += 1
        return method(singles[cursor[0] % len(singles)])

    one_row()
    single_s = median_time(one_row, max(20, int(0.3 / max(median_time(one_row, 3, 1), 1e-6))))
    batch = np.vstack([X] * (spec["batchRows"] // len(X) + 1))[: spec["batchRows"]]
    batch_s = median_time(lambda: method(batch), 1, 3)
    out["models"][model["name"]] = {"loadMs": load_s * 1e3, "singleUs": single_s * 1e6, "batchRowsPerS": len(batch) / batch_s}
print(json.dumps(out))
