"""Independent reference for @factorkit/evaluate's classic analytics (numpy + scipy).

Usage: python3 analytics_reference.py DIR

DIR holds what the vitest test wrote:
- meta.json: {"horizons", "groups", "decayLags", "minAssets", "rows", "factors": [names]}
- ret.csv, close.csv, is_trading.csv, member.csv, cap.csv: the calendar window that starts at the
  first evaluation date, `rows + max(horizons)` rows (one per date), one column per asset, empty = NaN;
- weight.csv: benchmark weights of the `rows` evaluation dates;
- factor_<name>.csv: each factor's values on the `rows` evaluation dates;
- optionally fwd_ret_<h>.csv: the compounded h-day forward returns of the `rows` evaluation dates,
  used instead of compounding ret.csv here. For data whose daily returns come from rounded prices
  (float32 sources), a stock whose close is back at its level after h days has a forward return of
  exactly 0 in theory, and two correct compoundings round it to 0 or ±1e-16 differently, which
  changes the ties that RankIC and the quantile groups see. The caller then checks the forward
  returns themselves separately.

Writes DIR/reference.json with, per factor, per horizon (and per price mode), every per-date
number the TypeScript code returns, NaN written as null. Written from the definitions in the
package README, not from the TypeScript code: loops per date, scipy.stats for the correlations
and the ranks.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
from scipy import stats

warnings.simplefilter("ignore")


def read(directory, name):
    return np.genfromtxt(f"{directory}/{name}.csv", delimiter=",", skip_header=1, dtype=np.float64, ndmin=2)


def forward_compounded(ret, h, rows):
    out = np.full((rows, ret.shape[1]), np.nan)
    for i in range(rows):
        window = ret[i + 1 : i + h + 1]
        ok = np.all(np.isfinite(window), axis=0)
        out[i, ok] = np.prod(1.0 + window[:, ok], axis=0) - 1.0
    return out


def forward_price(close, h, rows):
    out = np.full((rows, close.shape[1]), np.nan)
    for i in range(rows):
        p0 = close[i]
        p1 = close[i + h]
        ok = np.isfinite(p0) & np.isfinite(p1) & (p0 > 0)
        out[i, ok] = p1[ok] / p0[ok] - 1.0
    return out


def pearson(x, y, min_assets):
    if len(x) < min_assets or np.all(x == x[0]) or np.all(y == y[0]):
        return math.nan
    return float(stats.pearsonr(x, y)[0])


def spearman(x, y, min_assets):
    if len(x) < min_assets or np.all(x == x[0]) or np.all(y == y[0]):
        return math.nan
    return float(stats.spearmanr(x, y)[0])


def summary(series):
    v = np.asarray([s for s in series if s is not None and math.isfinite(s)])
    n = len(v)
    if n == 0:
        return {"count": 0, "mean": math.nan, "std": math.nan, "tStat": math.nan, "positiveShare": math.nan, "icir": math.nan}
    mean = float(np.mean(v))
    std = float(np.std(v, ddof=1)) if n > 1 else math.nan
    return {
        "count": n,
        "mean": mean,
        "std": std,
        "tStat": mean / (std / math.sqrt(n)) if n > 1 else math.nan,
        "positiveShare": float(np.sum(v > 0)) / n,
        "icir": mean / std if n > 1 else math.nan,
    }


def evaluate(factor, fwd_by_h, panels, meta):
    rows, assets = factor.shape
    groups = meta["groups"]
    min_assets = meta["minAssets"]
    member = panels["member"][:rows] == 1
    trading = panels["is_trading"][:rows]
    eligible = member & np.isfinite(trading) & (trading != 0) & np.isfinite(factor)

    coverage = {
        "members": member.sum(axis=1).tolist(),
        "noRow": (member & ~np.isfinite(trading)).sum(axis=1).tolist(),
        "suspended": (member & (trading == 0)).sum(axis=1).tolist(),
        "missingValue": (member & np.isfinite(trading) & (trading != 0) & np.isnan(factor)).sum(axis=1).tolist(),
        "eligible": eligible.sum(axis=1).tolist(),
        "notInUniverse": (~member & np.isfinite(factor)).sum(axis=1).tolist(),
    }

    # Quantile groups: ceil(average rank * G / m) among the eligible stocks of each date.
    assigned = np.zeros((rows, assets), dtype=np.int64)
    top = np.zeros(rows, dtype=np.int64)
    bottom = np.zeros(rows, dtype=np.int64)
    for i in range(rows):
        idx = np.flatnonzero(eligible[i])
        if len(idx) == 0:
            continue
        ranks = stats.rankdata(factor[i, idx], method="average")
        assigned[i, idx] = np.ceil(ranks * groups / len(idx)).astype(np.int64)
        top[i] = assigned[i, idx].max()
        bottom[i] = assigned[i, idx].min()

    out = {"coverage": coverage, "top": top.tolist(), "bottom": bottom.tolist(), "horizons": {}}
    for h, fwd in fwd_by_h.items():
        ic, rank_ic, n = [], [], []
        mean_eq = np.full((rows, groups), np.nan)
        mean_cap = np.full((rows, groups), np.nan)
        counts = np.zeros((rows, groups), dtype=np.int64)
        bench, top_eq, top_cap, spread_eq, spread_cap = [], [], [], [], []
        turn_top, turn_bottom, autocorr = [], [], []
        for i in range(rows):
            used = eligible[i] & np.isfinite(fwd[i])
            x = factor[i, used]
            y = fwd[i, used]
            n.append(int(used.sum()))
            ic.append(pearson(x, y, min_assets))
            rank_ic.append(spearman(x, y, min_assets))
            cap = panels["cap"][i]
            for g in range(1, groups + 1):
                in_group = used & (assigned[i] == g)
                counts[i, g - 1] = int(in_group.sum())
                if in_group.any():
                    mean_eq[i, g - 1] = float(np.mean(fwd[i, in_group]))
                weighted = in_group & np.isfinite(cap) & (cap > 0)
                if weighted.any():
                    mean_cap[i, g - 1] = float(np.sum(cap[weighted] * fwd[i, weighted]) / np.sum(cap[weighted]))
            w = panels["weight"][i]
            held = np.isfinite(w) & (w > 0) & np.isfinite(fwd[i])
            b = float(np.sum(w[held] * fwd[i, held]) / np.sum(w[held])) if held.any() else math.nan
            bench.append(b)
            t, lo = top[i], bottom[i]
            top_eq.append(mean_eq[i, t - 1] - b if t > 0 else math.nan)
            top_cap.append(mean_cap[i, t - 1] - b if t > 0 else math.nan)
            spread_eq.append(mean_eq[i, t - 1] - mean_eq[i, lo - 1] if 0 < lo < t else math.nan)
            spread_cap.append(mean_cap[i, t - 1] - mean_cap[i, lo - 1] if 0 < lo < t else math.nan)
            if i >= h:
                for group_now, group_then, sink in ((top[i], top[i - h], turn_top), (bottom[i], bottom[i - h], turn_bottom)):
                    if group_now == 0 or group_then == 0:
                        sink.append(math.nan)
                        continue
                    now = set(np.flatnonzero(assigned[i] == group_now))
                    then = set(np.flatnonzero(assigned[i - h] == group_then))
                    sink.append(len(now - then) / len(now))
                both = eligible[i] & eligible[i - h]
                autocorr.append(spearman(factor[i, both], factor[i - h, both], min_assets))
            else:
                turn_top.append(math.nan)
                turn_bottom.append(math.nan)
                autocorr.append(math.nan)
        out["horizons"][str(h)] = {
            "n": n,
            "ic": ic,
            "rankIc": rank_ic,
            "counts": counts.ravel().tolist(),
            "meanEqual": mean_eq.ravel().tolist(),
            "meanCap": mean_cap.ravel().tolist(),
            "benchmark": bench,
            "topExcessEqual": top_eq,
            "topExcessCap": top_cap,
            "spreadEqual": spread_eq,
            "spreadCap": spread_cap,
            "turnoverTop": turn_top,
            "turnoverBottom": turn_bottom,
            "rankAutocorrelation": autocorr,
            "summary": {"ic": summary(ic), "rankIc": summary(rank_ic)},
            "groupMeanEqual": [float(np.nanmean(mean_eq[:, g])) if np.isfinite(mean_eq[:, g]).any() else math.nan for g in range(groups)],
        }
    return out


def decay(factor, panels, meta):
    rows = factor.shape[0]
    min_assets = meta["minAssets"]
    member = panels["member"][:rows] == 1
    trading = panels["is_trading"][:rows]
    eligible = member & np.isfinite(trading) & (trading != 0) & np.isfinite(factor)
    ret = panels["ret"]
    lags = []
    for lag in range(1, meta["decayLags"] + 1):
        ic, rank_ic = [], []
        for i in range(rows):
            one_day = ret[i + lag]  # the return from the close of t + lag - 1 to the close of t + lag
            used = eligible[i] & np.isfinite(one_day)
            ic.append(pearson(factor[i, used], one_day[used], min_assets))
            rank_ic.append(spearman(factor[i, used], one_day[used], min_assets))
        lags.append({"lag": lag, "ic": summary(ic), "rankIc": summary(rank_ic)})
    return lags


def nulls(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: nulls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [nulls(v) for v in value]
    return value


def main(directory):
    with open(f"{directory}/meta.json") as f:
        meta = json.load(f)
    panels = {name: read(directory, name) for name in ("ret", "close", "is_trading", "member", "cap", "weight")}
    rows = meta["rows"]
    compounded = {
        h: read(directory, f"fwd_ret_{h}") if os.path.exists(f"{directory}/fwd_ret_{h}.csv") else forward_compounded(panels["ret"], h, rows)
        for h in meta["horizons"]
    }
    price = {h: forward_price(panels["close"], h, rows) for h in meta["horizons"]}
    result = {}
    for name in meta["factors"]:
        factor = read(directory, f"factor_{name}")
        result[name] = {
            "returns": evaluate(factor, compounded, panels, meta),
            "prices": evaluate(factor, price, panels, meta),
            "decay": decay(factor, panels, meta),
        }
    with open(f"{directory}/reference.json", "w") as f:
        json.dump(nulls(result), f)


if __name__ == "__main__":
    main(sys.argv[1])
