"""The python lightgbm side of bench/gbdt.ts: train on the files the bench wrote, one thread,
and report times and the test rows' predictions.

Usage: python3 gbdt_lightgbm.py DIR. Reads DIR/meta.json ({rows, cols, testRows, rounds,
params}), DIR/train.f64, DIR/labels.f64, DIR/test.f64 (little-endian float64, row-major). Writes
DIR/lightgbm.f64 (predictions of the test rows) and prints one JSON line: the version, the wall
and CPU seconds of the Dataset construction (binning) and of lgb.train, and the trees kept.
"""
import json
import sys
import time
from pathlib import Path

import lightgbm as lgb
import numpy as np

d = Path(sys.argv[1])
meta = json.loads((d / "meta.json").read_text())
x = np.fromfile(d / "train.f64", dtype="<f8").reshape(meta["rows"], meta["cols"])
y = np.fromfile(d / "labels.f64", dtype="<f8")
test = np.fromfile(d / "test.f64", dtype="<f8").reshape(meta["testRows"], meta["cols"])
params = {"objective": "regression", "num_threads": 1, "verbose": -1, **meta["params"]}

w0, c0 = time.perf_counter(), time.process_time()
# num_threads on the Dataset too: its construction is multi-threaded otherwise.
data = lgb.Dataset(x, y, params={"max_bin": params["max_bin"], "num_threads": 1, "verbose": -1})
data.construct()
w1, c1 = time.perf_counter(), time.process_time()
booster = lgb.train(params, data, num_boost_round=meta["rounds"])
w2, c2 = time.perf_counter(), time.process_time()
booster.predict(test, num_threads=1).astype("<f8").tofile(d / "lightgbm.f64")
print(json.dumps({
    "version": lgb.__version__,
    "constructWall": w1 - w0, "constructCpu": c1 - c0,
    "trainWall": w2 - w1, "trainCpu": c2 - c1,
    "trees": booster.num_trees(),
}))
