"""Recompute the backtest diagnostics (per-stock contribution, stock-level hit rate, excess
attribution) from plain inputs with numpy, independently of the TypeScript code.

Usage: python3 reference_diagnostics.py IN.json OUT.json

IN.json: dates (the whole calendar), closes (assets x days adjusted closes, null = no close),
start, end (calendar indices), weights and bench (for each day start..end: one weight per asset,
null = not in the benchmark), exposures (for each day start..end: assets x factors, null =
missing), factor_returns (for each day start..end: one per factor, null = missing), groups (one
per factor), rebalances (decision days), active (for each decision day: active weights),
hit_bench (for each decision day: benchmark weights), decile.
"""
import datetime
import json
import math
import sys
from fractions import Fraction

import numpy as np

inp = json.load(open(sys.argv[1]))


def arr(x):
    return np.array([[math.nan if v is None else v for v in row] for row in x], dtype=float)


dates = inp["dates"]
closes = arr(inp["closes"])  # assets x days
N, T = closes.shape
start, end = inp["start"], inp["end"]

# The last known positive close on or before each day.
carried = np.full_like(closes, math.nan)
for a in range(N):
    last = math.nan
    for t in range(T):
        c = closes[a, t]
        if c > 0 and math.isfinite(c):
            last = c
        carried[a, t] = last

weights = arr(inp["weights"])  # days (start..end) x assets
bench = np.nan_to_num(arr(inp["bench"]), nan=0.0)
D = end - start


def day_return(t):
    return carried[:, t] / carried[:, t - 1] - 1


# --- contributions
contribution = np.zeros(N)
active_contribution = np.zeros(N)
held = np.zeros(N, dtype=int)
weight_sum = np.zeros(N)
active_sum = np.zeros(N)
portfolio_daily = []
for i in range(D):
    t = start + 1 + i
    w = weights[i]
    b = bench[i]
    r = day_return(t)
    has = (w != 0) | (b != 0)
    rr = np.where(has & np.isfinite(r), r, 0.0)
    contribution += w * rr
    active_contribution += (w - b) * rr
    held += (w > 0).astype(int)
    weight_sum += w
    active_sum += w - b
    portfolio_daily.append(float(np.sum(w * rr)))

# --- attribution
groups = inp["groups"]
K = len(groups)
names = ["country", "industry", "style"]
daily = {g: [] for g in ["active", "country", "industry", "style", "specific"]}
factor_total = np.zeros(K)
for i in range(D):
    t = start + 1 + i
    d = weights[i] - bench[i]
    r = day_return(t)
    active = float(np.sum(np.where((d != 0) & np.isfinite(r), d * r, 0.0)))
    X = np.nan_to_num(np.array([[math.nan if v is None else v for v in row] for row in inp["exposures"][i]], dtype=float), nan=0.0)
    f = np.nan_to_num(np.array([math.nan if v is None else v for v in inp["factor_returns"][i + 1]], dtype=float), nan=0.0)
    x = X.T @ d
    parts = x * f
    factor_total += parts
    daily["active"].append(active)
    total = 0.0
    for g in names:
        s = float(sum(parts[k] for k in range(K) if groups[k] == g))
        daily[g].append(s)
        total += s
    daily["specific"].append(active - total)


def label(date, frequency):
    day = datetime.date.fromisoformat(date)
    if frequency == "week":
        y, w, _ = day.isocalendar()
        return f"{y}-W{w:02d}"
    if frequency == "month":
        return f"{day.year}-{day.month:02d}"
    if frequency == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


periods = {}
for frequency in ["week", "month", "quarter", "year"]:
    rows = {}
    order = []
    for i in range(D):
        p = label(dates[start + 1 + i], frequency)
        if p not in rows:
            rows[p] = {g: 0.0 for g in daily} | {"days": 0}
            order.append(p)
        for g in daily:
            rows[p][g] += daily[g][i]
        rows[p]["days"] += 1
    periods[frequency] = [{"period": p} | rows[p] for p in order]

# --- hit rate
rebalances = inp["rebalances"]
decile = Fraction(inp["decile"]).limit_denominator(1000)
hits = []
for j, t in enumerate(rebalances):
    stop = rebalances[j + 1] if j + 1 < len(rebalances) else end
    act = np.array([math.nan if v is None else v for v in inp["active"][j]], dtype=float)
    hb = np.array([math.nan if v is None else v for v in inp["hit_bench"][j]], dtype=float)
    ret = carried[:, stop] / carried[:, t] - 1
    candidate = ((act != 0) | (hb > 0)) & np.isfinite(ret)
    idx = np.nonzero(candidate)[0]
    n = len(idx)
    k = max(1, math.ceil(decile * n))
    threshold = sorted(ret[idx], reverse=True)[k - 1]
    top = [a for a in idx if ret[a] >= threshold]
    pos = [a for a in idx if act[a] > 0]
    total = float(sum(act[a] for a in pos))
    in_top = float(sum(act[a] for a in pos if ret[a] >= threshold))
    hits.append({"hit_rate": in_top / total, "top": len(top), "stocks": n, "total": total})

json.dump(
    {
        "contribution": contribution.tolist(),
        "active_contribution": active_contribution.tolist(),
        "days_held": held.tolist(),
        "mean_weight": (weight_sum / D).tolist(),
        "mean_active_weight": (active_sum / D).tolist(),
        "portfolio_daily": portfolio_daily,
        "daily": daily,
        "periods": periods,
        "factor_total": factor_total.tolist(),
        "hits": hits,
        "hit_mean": float(np.mean([h["hit_rate"] for h in hits])),
    },
    open(sys.argv[2], "w"),
)
