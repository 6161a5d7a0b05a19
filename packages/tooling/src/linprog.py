"""Solve a factorkit LP (raw binaries written by `scipyLinprog` in bench.js) with scipy's native HiGHS.

Usage: python3 linprog.py DIR REPEATS. Prints JSON {"scipy": version, "ms": [...], "objective": x,
"status": s, "message": text, "peakRssMiB": m}. Only the linprog calls are timed.
"""
import resource
import json
import sys
import time

import numpy as np
import scipy
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

d, repeats = sys.argv[1], int(sys.argv[2])
meta = json.load(open(f"{d}/meta.json"))
f64 = lambda name: np.fromfile(f"{d}/{name}.f64", dtype="<f8")
i32 = lambda name: np.fromfile(f"{d}/{name}.i32", dtype="<i4")
n, m = meta["numVariables"], meta["rows"]
A = csr_matrix((f64("A_value"), i32("A_index"), i32("A_start")), shape=(m, n))
lo, hi = f64("rowLower"), f64("rowUpper")
sign = -1.0 if meta["sense"] == "maximize" else 1.0
c = sign * f64("c")
eq = lo == hi
up = np.isfinite(hi) & ~eq
dn = np.isfinite(lo) & ~eq
A_ub = scipy.sparse.vstack([A[up], -A[dn]]).tocsr()
b_ub = np.concatenate([hi[up], -lo[dn]])
bounds = np.column_stack([f64("lower"), f64("upper")])
bounds = [(None if not np.isfinite(a) else a, None if not np.isfinite(b) else b) for a, b in bounds]
times, res = [], None
for _ in range(repeats):
    t0 = time.perf_counter()
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A[eq], b_eq=lo[eq], bounds=bounds, method="highs")
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({
    "scipy": scipy.__version__,
    "ms": times,
    "status": int(res.status),
    "message": str(res.message),
    "objective": sign * float(res.fun) + meta["offset"] if res.status == 0 else None,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
