"""numpy reference for apps/benchmarks/bench/index.ts: the same factor formulas, vectorised.

Usage: python3 factors.py MANIFEST.json. The manifest names a folder of raw little-endian float64
panels, each `assets x dates` in C order (the TS panel's column-major `values` buffer as is):
the inputs `<field>.f64` and the TypeScript results `ts_<factor>.f64`. Every factor is timed with
time.perf_counter (inputs already loaded), then compared with the TypeScript result. Prints JSON.

Rolling windows are cumsum differences along the date axis, NaN-aware through counts of the
observations present, as pandas/bottleneck do it; the one exponentially weighted window (beta)
uses the scaled-cumsum trick (sum of w^(t-s) x_s = w^t * (C_t - C_{t-W}), C = cumsum(w^-s x_s)).
"""
import json
import math
import resource
import sys
import time

import numpy as np

np.seterr(all="ignore")


def rolling_sum(x, w):
    """Sum over x[:, t-w+1 .. t] along axis 1 (x has no NaN: zeros where missing)."""
    c = np.cumsum(x, axis=1)
    c[:, w:] -= c[:, :-w].copy()
    return c


def rolling_count(mask, w):
    return rolling_sum(mask.astype(np.int32), w)


def shift(x, k, fill=np.nan):
    """x at t - k (k > 0), `fill` for the first k dates."""
    out = np.empty_like(x)
    out[:, :k] = fill
    out[:, k:] = x[:, :-k]
    return out


def rolling_mean(x, w, min_obs):
    ok = np.isfinite(x)
    s = rolling_sum(np.where(ok, x, 0.0), w)
    n = rolling_count(ok, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= min_obs, s / n, np.nan)


def momentum_1y(p, window=250, skip=20, min_coverage=0.8):
    r = p["ret"]
    span = window - skip
    required = max(1, math.ceil(min_coverage * span - 1e-9))
    valid = (r > -1) & (r < np.inf)
    invalid = ~valid & ~np.isnan(r)
    s = rolling_sum(np.log1p(np.where(valid, r, 0.0)), span)
    n = rolling_count(valid, span)
    bad = rolling_count(invalid, span)
    out = np.where((bad == 0) & (n >= required), np.expm1(s), np.nan)
    return shift(out, skip) if skip else out


def reversal_3m(p, window=60, min_obs=48):
    r = p["ret"]
    ok = np.isfinite(r)
    pos = ok & (r > -1)
    s = rolling_sum(np.log1p(np.where(pos, r, 0.0)), window)
    n = rolling_count(ok, window)
    zeros = rolling_count(ok & (r == -1), window)
    return np.where(n < min_obs, np.nan, np.where(zeros > 0, -1.0, np.expm1(s)))


def volatility_3m(p, window=60, min_obs=48):
    r = p["ret"]
    ok = np.isfinite(r)
    # Centre each asset's series first so that the sums of squares do not cancel.
    c = np.nanmean(np.where(ok, r, np.nan), axis=1, keepdims=True)
    c = np.where(np.isfinite(c), c, 0.0)
    d = np.where(ok, r - c, 0.0)
    s1 = rolling_sum(d, window)
    s2 = rolling_sum(d * d, window)
    n = rolling_count(ok, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.maximum(s2 - s1 * s1 / n, 0.0) / (n - 1)
    return np.where((n >= min_obs) & (n > 1), np.sqrt(var), np.nan)


def turnover_1m(p, window=20, min_obs=10):
    return rolling_mean(p["turnover"], window, min_obs)


def illiquidity_shock(p, short=20, long=240):
    r, v = p["ret"], p["amount"]
    x = np.abs(r) / v
    ratio = np.where((v > 0) & np.isfinite(x), x, np.nan)
    s = rolling_mean(ratio, short, math.ceil(short / 2))
    l = rolling_mean(ratio, long, math.ceil(long / 2))
    moved = rolling_count(ratio > 0, short) > 0
    s = np.where(moved, s, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.log(s / l)
    return np.where((s > 0) & (l > 0) & np.isfinite(out), out, np.nan)


def ratio_to_cap(num, cap):
    v = num / cap
    return np.where((cap > 0) & (cap < np.inf) & np.isfinite(v), v, np.nan)


def ep_ttm(p):
    return ratio_to_cap(p[SOURCES["ep_ttm"]], p["market_cap"])


def ep_q(p):
    return ratio_to_cap(p[SOURCES["ep_q"]], p["market_cap"])


def bp(p):
    if SOURCES["bp"] == "equity":
        return ratio_to_cap(p["equity"], p["market_cap"])
    v = 1.0 / p["pb_mrq"]
    return np.where(np.isfinite(v) & (v != 0), v, np.nan)


def size(p):
    cap = p["market_cap"]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((cap > 0) & (cap < np.inf), np.log(cap), np.nan)


def beta(p, window=252, half_life=63.0, min_obs=126):
    r = p["ret"]
    wcap = shift(p["float_market_cap"], 1)  # declared lag 1: the previous close's float cap
    okm = np.isfinite(r) & np.isfinite(wcap) & (wcap > 0)
    sw = np.where(okm, wcap, 0.0).sum(axis=0)
    swr = np.where(okm, wcap * r, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mkt = np.where(sw > 0, swr / sw, np.nan)
    d = 2.0 ** (-1.0 / half_life) if half_life > 0 else 1.0
    t = np.arange(r.shape[1])
    up = d ** (-t.astype(np.float64))  # weight scale w^-s: 2^(2500/63) ~ 1e12, safe in float64
    down = d ** t.astype(np.float64)
    ok = np.isfinite(r) & np.isfinite(mkt)[None, :]
    x = np.where(ok, mkt[None, :], 0.0)
    y = np.where(ok, r, 0.0)
    m = ok.astype(np.float64)

    def ew(v):
        return rolling_sum(v * up, window) * down

    sw, swx, swy = ew(m), ew(x), ew(y)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = swx / sw, swy / sw
        # Centred second moments: sum w (x - mx)^2 = sum w x^2 - sw mx^2 (x ~ 1e-2, no real cancellation).
        sxx = ew(x * x) - sw * mx * mx
        sxy = ew(x * y) - sw * mx * my
        out = sxy / sxx
    n = rolling_count(ok, window)
    good = (n >= min_obs) & (sxx > 1e-14 * sw * np.maximum(1.0, mx * mx))
    return np.where(good, out, np.nan)


FORMULAS = {f.__name__: f for f in [momentum_1y, reversal_3m, volatility_3m, turnover_1m, illiquidity_shock, ep_ttm, ep_q, bp, size, beta]}


def compare(ts, ref):
    ts_nan, ref_nan = ~np.isfinite(ts), ~np.isfinite(ref)
    both = ~ts_nan & ~ref_nan
    diff = np.abs(ts[both] - ref[both])
    scale = np.maximum(np.abs(ts[both]), 1e-300)
    return {
        "finite": int(both.sum()),
        "nanMismatch": int((ts_nan != ref_nan).sum()),
        "maxAbsDiff": float(diff.max()) if diff.size else 0.0,
        "maxRelDiff": float((diff / scale).max()) if diff.size else 0.0,
    }


def main():
    global SOURCES
    manifest = json.load(open(sys.argv[1]))
    SOURCES = manifest["sources"]
    shape = (manifest["assets"], manifest["dates"])
    folder = manifest["dir"]
    start = time.perf_counter()
    panels = {f: np.fromfile(f"{folder}/{f}.f64", dtype="<f8").reshape(shape) for f in manifest["inputs"]}
    load_ms = (time.perf_counter() - start) * 1000
    results = {}
    for fid in manifest["factors"]:
        fn = FORMULAS[fid]
        start = time.perf_counter()
        ref = fn(panels)
        ms = (time.perf_counter() - start) * 1000
        ts = np.fromfile(f"{folder}/ts_{fid}.f64", dtype="<f8").reshape(shape)
        results[fid] = {"ms": ms, **compare(ts, ref)}
        del ref, ts
    print(json.dumps({
        "numpy": np.__version__,
        "loadMs": load_ms,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "factors": results,
    }))


if __name__ == "__main__":
    main()
