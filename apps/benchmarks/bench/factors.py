"""numpy reference for apps/benchmarks/bench/index.ts: the same factor formulas, vectorised.

Usage: python3 factors.py MANIFEST.json. The manifest names a folder of raw little-endian float64
panels, each `assets x dates` in C order (the TS panel's column-major `values` buffer as is):
the inputs `<field>.f64` and the TypeScript results `ts_<factor>.f64`, plus the fields each
factor reads, the plugins' field choices (`sources`) and the calendar's years. Each factor's
inputs are loaded before it (not timed) and freed once no later factor reads them; every factor
is timed with time.perf_counter, then compared with the TypeScript result. Prints JSON.

Rolling windows are cumsum differences along the date axis, NaN-aware through counts of the
observations present, as pandas/bottleneck do it; the exponentially weighted windows (beta,
DASTD) use the scaled-cumsum trick (sum of w^(t-s) x_s = w^t * (C_t - C_{t-W}), C =
cumsum(w^-s x_s)). Per-date cross-sectional work (MAD winsorisation, z-scores, the composites,
NLSIZE's regression) runs on dates x assets copies (transposed inside the timed part) and the
result is transposed back to the TS layout.
"""
import json
import math
import resource
import sys
import time
import warnings

import numpy as np

np.seterr(all="ignore")
warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: NaN is the intended answer


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


# ---- raw values and ratios (no window, no cross-section) ----------------------------------------

def finite_or_nan(x):
    return np.where(np.isfinite(x), x, np.nan)


def coverage_3m(p):
    n = p["analyst_coverage_3m"]
    return np.where((n >= 0) & (n < np.inf), np.log1p(n), np.nan)


def exec_pay(p):
    return size_of(p["exec_pay"])


def size_of(x):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((x > 0) & (x < np.inf), np.log(x), np.nan)


def expected_bp(p):
    cap = p["market_cap"]
    if SOURCES["expected_bp"] == "equity":
        return ratio_to_cap(p["consensus_equity_12m"], cap)
    n = p["total_share"]
    return np.where(n > 0, ratio_to_cap(p["consensus_bps_12m"] * n, cap), np.nan)


def expected_ep_ttm(p):
    return ratio_to_cap(p["consensus_net_profit_12m"], p["market_cap"])


def expected_np_qoq(p, window=60):
    fy1 = p["consensus_net_profit_fy1"]
    year = np.asarray(YEARS)
    gap = np.full(year.shape, -1)
    gap[window:] = year[window:] - year[:-window]
    base = np.where(gap == 0, finite_or_nan(shift(fy1, window)), np.nan)
    if "consensus_net_profit_fy2" in p:
        base = np.where(gap == 1, finite_or_nan(shift(p["consensus_net_profit_fy2"], window)), base)
    change = (fy1 - base) / np.abs(base)
    return np.where(np.isfinite(change), change, np.nan)


def expected_peg(p):
    cap, np1, np2 = p["market_cap"], p["consensus_net_profit_fy1"], p["consensus_net_profit_fy2"]
    pe = cap / np1
    g = np2 / np1 - 1
    v = pe / (100 * g)
    ok = (cap > 0) & (np1 > 0) & (pe > 0) & (pe < np.inf) & (g > 0) & (g < np.inf) & np.isfinite(v)
    return np.where(ok, v, np.nan)


def profit_q_yoy(p):
    return finite_or_nan(p[SOURCES["profit_q_yoy"]])


def book_to_price(p):
    out = np.full(p["market_cap"].shape, np.nan)
    if "equity" in p and "market_cap" in p:
        cap = p["market_cap"]
        out = np.where(cap > 0, p["equity"] / cap, np.nan)
    if "pb_mrq" in p:
        pb = p["pb_mrq"]
        fallback = np.where(np.isfinite(pb) & (pb != 0), 1.0 / pb, np.nan)
        out = np.where(np.isfinite(out), out, fallback)
    return finite_or_nan(out)


# ---- per-date cross-sections: dates x assets, contiguous --------------------------------------

def rows(x):
    """assets x dates -> dates x assets, C order (one date's cross-section contiguous)."""
    return np.ascontiguousarray(x.T)


def nanmedian_rows(x, n):
    """Median of the finite values of each row (NaN sorts last; even counts: mean of the middle two)."""
    s = np.sort(x, axis=1)
    lo = np.take_along_axis(s, np.maximum(n - 1, 0)[:, None] // 2, axis=1)[:, 0]
    hi = np.take_along_axis(s, (n // 2)[:, None], axis=1)[:, 0]
    return np.where(n > 0, (lo + hi) / 2, np.nan)


def zscore_rows(x, clip_k=0.0, centre_w=None, undefined_zero=False):
    """Per row (date): optional MAD winsorisation (median +- k * 1.4826 * MAD), then
    (x - centre) / std with the sample std (ddof 1) and the plain mean as centre, or the mean
    weighted by the finite positive `centre_w`. Rows with fewer than 2 values, all equal, or
    (weighted) no positive weight: NaN, or 0 where x is finite with `undefined_zero`.
    `x` (dates x assets) is overwritten."""
    ok = np.isfinite(x)
    x[~ok] = np.nan
    n = ok.sum(axis=1)
    if clip_k > 0:
        med = nanmedian_rows(x, n)
        scale = 1.4826 * nanmedian_rows(np.abs(x - med[:, None]), n)
        clip = (n >= 2) & (scale > 0)
        lo = np.where(clip, med - clip_k * scale, -np.inf)
        hi = np.where(clip, med + clip_k * scale, np.inf)
        np.clip(x, lo[:, None], hi[:, None], out=x)
    mean = np.nansum(x, axis=1) / n
    d = x - mean[:, None]
    std = np.sqrt(np.nansum(d * d, axis=1) / (n - 1))
    good = (n >= 2) & (std > 0) & (np.nanmin(x, axis=1) < np.nanmax(x, axis=1))
    centre = mean
    if centre_w is not None:
        wv = ok & (centre_w > 0) & (centre_w < np.inf)
        sw = np.where(wv, centre_w, 0.0).sum(axis=1)
        centre = mean + np.where(wv, centre_w * d, 0.0).sum(axis=1) / sw
        good &= sw > 0
    del d
    x -= centre[:, None]
    x *= (1.0 / std)[:, None]
    if not good.all():
        x[~good] = np.where(ok[~good], 0.0, np.nan) if undefined_zero else np.nan
    return x


def combine(zs, weights, require_first=False):
    """sum w_k z_k / sum w_k over the descriptors present (weights renormalised); NaN where none
    is (0 / 0), or where the first is missing with `require_first`. The z-score arrays are reused."""
    first_missing = np.isnan(zs[0]) if require_first else None
    num = np.zeros(zs[0].shape)
    den = np.zeros(zs[0].shape)
    for z, w in zip(zs, weights):
        if w > 0:
            present = ~np.isnan(z)
            np.nan_to_num(z, copy=False, nan=0.0)
            z *= w
            num += z
            den += w * present
    num /= den
    if require_first:
        num[first_missing] = np.nan
    return num


def combine_zscores(descriptors, weights, require_first=False, **zscore_options):
    """combineZscores: descriptors as assets x dates; result assets x dates (C order)."""
    zs = [zscore_rows(rows(d), **zscore_options) for d in descriptors]
    return rows(combine(zs, weights, require_first))


def earnings_yield(p, forward_weight=0.5):
    cap = p["market_cap"]

    def yield_on(profit):
        v = profit / cap
        return np.where((cap > 0) & np.isfinite(v), v, np.nan)

    options = {"centre_w": rows(cap), "undefined_zero": True}
    if "consensus_net_profit_12m" not in p:
        return combine_zscores([yield_on(p[SOURCES["earnings_yield"]])], [1.0], **options)
    return combine_zscores([yield_on(p[SOURCES["earnings_yield"]]), yield_on(p["consensus_net_profit_12m"])], [1 - forward_weight, forward_weight], **options)


def growth(p, winsorize_k=5.0, use_revenue=True):
    descriptors = [p[SOURCES["growth"]]]
    if use_revenue and "revenue_ttm_yoy" in p:
        descriptors.append(p["revenue_ttm_yoy"])
    return combine_zscores(descriptors, [1.0] * len(descriptors), require_first=True, clip_k=winsorize_k)


def leverage(p, winsorize_k=5.0):
    ld, ta, be, me = p["total_liab"], p["total_assets"], p["equity"], p["market_cap"]
    debt_ok = (ld >= 0) & (ld < np.inf)

    def ratio(num, den):
        v = num / den
        return np.where(debt_ok & (den > 0) & (den < np.inf) & np.isfinite(v), v, np.nan)

    return combine_zscores([ratio(me + ld, me), ratio(ld, ta), ratio(be + ld, be)], [0.38, 0.35, 0.27], clip_k=winsorize_k)


def liquidity(p, month=21, min_coverage=0.8):
    tau = p["turnover"]
    ok = np.isfinite(tau)
    s = np.cumsum(np.where(ok, tau, 0.0), axis=1)
    n = np.cumsum(ok, axis=1, dtype=np.int32)
    pos = np.cumsum(tau > 0, axis=1, dtype=np.int32)

    def window(c, w):
        out = c.copy()
        out[:, w:] -= c[:, :-w]
        return out

    def descriptor(months):
        days = months * month
        min_obs = max(1, math.ceil(min_coverage * days - 1e-9))
        cnt = window(n, days)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = window(s, days) / cnt
            return np.where((cnt >= min_obs) & (window(pos, days) > 0) & (mean > 0), np.log(month * mean), np.nan)

    return combine_zscores([descriptor(1), descriptor(3), descriptor(12)], [0.35, 0.35, 0.30], require_first=True)


def nonlinear_size(p, sqrt_cap=True):
    cap = rows(p["market_cap"])
    z = zscore_rows(np.where((cap > 0) & (cap < np.inf), np.log(np.where(cap > 0, cap, 1.0)), np.nan), centre_w=cap)
    y = z * z * z
    w = np.sqrt(np.where(cap > 0, cap, np.nan)) if sqrt_cap else np.ones_like(cap)
    ok = np.isfinite(y) & np.isfinite(z) & (w > 0) & (w < np.inf)
    w = np.where(ok, w, 0.0)
    n = ok.sum(axis=1)
    sw = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = (w * np.where(ok, z, 0.0)).sum(axis=1) / sw
        my = (w * np.where(ok, y, 0.0)).sum(axis=1) / sw
        dx = np.where(ok, z - mx[:, None], 0.0)
        dy = np.where(ok, y - my[:, None], 0.0)
        sxx = (w * dx * dx).sum(axis=1)
        sxy = (w * dx * dy).sum(axis=1)
        syy = (w * dy * dy).sum(axis=1)
        beta = sxy / sxx
    fitted = (n >= 3) & (sxx > 0) & (syy - beta * sxy > 1e-12 * syy)
    r = dy - beta[:, None] * dx
    r[~(ok & fitted[:, None])] = np.nan
    del y, w, dx, dy, z
    return rows(zscore_rows(r, centre_w=cap))


def residual_volatility(p, window=252, min_obs=126, half_life=42.0, month=21):
    r = p["ret"]
    ok = np.isfinite(r)
    n = rolling_count(ok, window)
    # DASTD: exponentially weighted std, weights d^(t-s), as scaled cumsums of x - (asset mean).
    c = np.nanmean(np.where(ok, r, np.nan), axis=1, keepdims=True)
    c = np.where(np.isfinite(c), c, 0.0)
    dev = np.where(ok, r - c, 0.0)
    d = 2.0 ** (-1.0 / half_life) if half_life > 0 else 1.0
    t = np.arange(r.shape[1], dtype=np.float64)
    up, down = d ** -t, d ** t

    def ew(v):
        return rolling_sum(v * up, window) * down

    sw = ew(ok.astype(np.float64))
    sx = ew(dev)
    with np.errstate(invalid="ignore", divide="ignore"):
        ss = ew(dev * dev) - sx * sx / sw
        dastd = np.where(n >= min_obs, np.sqrt(np.maximum(ss, 0.0) / sw), np.nan)
    del sw, sx, ss, dev
    # HSIGMA: residual std (ddof 2) of the OLS of r on the float-cap-weighted market return.
    wcap = shift(p["float_market_cap"], 1)  # declared lag 1
    okm = ok & np.isfinite(wcap) & (wcap > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mkt = np.where(okm, wcap * r, 0.0).sum(axis=0) / np.where(okm, wcap, 0.0).sum(axis=0)
    del wcap, okm
    pair = ok & np.isfinite(mkt)[None, :]
    x = np.where(pair, mkt - np.nanmean(mkt), 0.0)
    y = np.where(pair, r - c, 0.0)
    m = rolling_count(pair, window)
    sx, sy = rolling_sum(x, window), rolling_sum(y, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        qxx = rolling_sum(x * x, window) - sx * sx / m
        qxy = rolling_sum(x * y, window) - sx * sy / m
        qyy = rolling_sum(y * y, window) - sy * sy / m
        del x, y, sx, sy
        ssr = np.maximum(qyy - qxy / qxx * qxy, 0.0)
        hsigma = np.where((m >= min_obs) & (m > 2) & (qxx > 0), np.sqrt(ssr / (m - 2)), np.nan)
    del qxx, qxy, qyy, ssr, m, pair
    # CMRA: Z(T) = sum of ln(1 + r) over the last T months (a missing day counts as 0).
    span = 12 * month
    cmra_min = min(span, max(1, math.ceil(min_obs / window * span - 1e-9)))
    good = (r > -1) & (r < np.inf)
    bad = rolling_count(~good & ~np.isnan(r), span)
    cum = np.zeros((r.shape[0], r.shape[1] + 1))
    np.cumsum(np.log1p(np.where(good, r, 0.0)), axis=1, out=cum[:, 1:])
    del good
    end = cum[:, 1:]
    hi = np.full(r.shape, -np.inf)
    lo = np.full(r.shape, np.inf)
    for k in range(1, 13):
        # Z(k months) at t = cum[t + 1] - cum[max(0, t + 1 - k * month)], cum[0] = 0.
        z = end.copy()
        z[:, k * month - 1:] -= cum[:, : cum.shape[1] - k * month]
        np.maximum(hi, z, out=hi)
        np.minimum(lo, z, out=lo)
        del z
    del cum, end
    with np.errstate(invalid="ignore", divide="ignore"):
        cmra = np.where((bad == 0) & (rolling_count(ok, span) >= cmra_min) & (1 + lo > 0), np.log1p(hi) - np.log1p(lo), np.nan)
    del hi, lo, bad
    return combine_zscores([dastd, cmra, hsigma], [0.74, 0.16, 0.10], require_first=True)


FORMULAS = {
    f.__name__: f
    for f in [
        momentum_1y, reversal_3m, volatility_3m, turnover_1m, illiquidity_shock, ep_ttm, ep_q, bp, size, beta,
        coverage_3m, exec_pay, expected_bp, expected_ep_ttm, expected_np_qoq, expected_peg, profit_q_yoy,
        book_to_price, earnings_yield, growth, leverage, liquidity, nonlinear_size, residual_volatility,
    ]
}


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


def peak_rss_mib():
    """This process's peak RSS. Linux's getrusage ru_maxrss survives exec: spawned by Node, it
    would report the Node process's RSS at the fork. VmHWM is the python image's own high water."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    global SOURCES, YEARS
    manifest = json.load(open(sys.argv[1]))
    SOURCES = manifest["sources"]
    YEARS = manifest["years"]
    shape = (manifest["assets"], manifest["dates"])
    folder = manifest["dir"]
    needs = manifest["fields"]  # factor id -> the input fields it reads (those the dataset has)
    factors = manifest["factors"]
    panels = {}
    load_ms = 0.0
    results = {}
    for i, fid in enumerate(factors):
        # Load this factor's inputs (not timed) and free those no later factor reads.
        start = time.perf_counter()
        for f in needs[fid]:
            if f not in panels:
                panels[f] = np.fromfile(f"{folder}/{f}.f64", dtype="<f8").reshape(shape)
        load_ms += (time.perf_counter() - start) * 1000
        fn = FORMULAS[fid]
        inputs = {f: panels[f] for f in needs[fid]}
        start = time.perf_counter()
        ref = fn(inputs)
        ms = (time.perf_counter() - start) * 1000
        del inputs
        later = {f for other in factors[i + 1:] for f in needs[other]}
        for f in [f for f in panels if f not in later]:
            del panels[f]
        ts = np.fromfile(f"{folder}/ts_{fid}.f64", dtype="<f8").reshape(shape)
        results[fid] = {"ms": ms, **compare(ts, ref)}
        del ref, ts
    print(json.dumps({
        "numpy": np.__version__,
        "loadMs": load_ms,
        "peakRssMiB": peak_rss_mib(),
        "factors": results,
    }))


if __name__ == "__main__":
    main()
