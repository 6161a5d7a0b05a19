"""Read a qlib day-data folder the way qlib does, with numpy only, and print what qlib would see.

Used by qlib-numpy.test.ts as an independent reader of `tablesToQlib` output (pyqlib itself is not
installable here). The format, as documented by qlib (docs/component/data.rst, "Qlib Format
Dataset"; scripts/dump_bin.py) and read by qlib/data/storage/file_storage.py:

- calendars/day.txt: one date per line;
- instruments/all.txt: SYMBOL<TAB>START<TAB>END, both inclusive; D.instruments('all') yields a
  symbol's rows only inside these ranges;
- features/<symbol lower case>/<field>.day.bin: little-endian float32, the first value is the
  calendar index of the second, then one value per calendar day.

What qlib's backtest does with the fields (qlib/backtest/exchange.py): any NaN $factor on a row
with a $close switches it to adjusted_price mode; $close / $factor is the raw price and lots are
rounded on $volume-scale amounts × $factor. Alpha158's VWAP0 is $vwap / $close. A day is
suspended when its $close is NaN (`_update_limit`: `suspended = quote_df["$close"].isna()`), and
with a float `limit_threshold` a buy is blocked where `$change >= limit_threshold` or suspended, a
sell where `$change <= -limit_threshold` or suspended (NaN compares False).

Usage: python3 qlib_numpy_reader.py QLIB_DIR [LIMIT_THRESHOLD, default 0.095]  → JSON on stdout.
"""

import json
import os
import sys

import numpy as np


def num(x):
    """A JSON number, or null for NaN (JSON has no NaN)."""
    return None if np.isnan(x) else float(x)


def read_bin(path, calendar_len):
    data = np.fromfile(path, dtype="<f4")
    start = int(data[0])
    values = data[1:]
    if start + len(values) > calendar_len:
        raise ValueError(f"{path}: {start} + {len(values)} > {calendar_len}")
    out = np.full(calendar_len, np.nan, dtype=np.float64)
    out[start : start + len(values)] = values
    return start, len(values), out


def main(qlib_dir, limit_threshold):
    with open(os.path.join(qlib_dir, "calendars", "day.txt"), encoding="utf-8") as f:
        calendar = [line.strip() for line in f if line.strip()]
    position = {d: i for i, d in enumerate(calendar)}
    ranges = {}
    with open(os.path.join(qlib_dir, "instruments", "all.txt"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            symbol, start, end = line.rstrip("\n").split("\t")[:3]
            ranges.setdefault(symbol.upper(), []).append((position[start], position[end]))

    result = {"calendar": calendar, "symbols": {}, "adjusted_price_mode": False}
    for symbol, intervals in sorted(ranges.items()):
        folder = os.path.join(qlib_dir, "features", symbol.lower())
        fields = {}
        extents = set()
        for name in sorted(os.listdir(folder)):
            if name.endswith(".day.bin"):
                start, count, values = read_bin(os.path.join(folder, name), len(calendar))
                fields[name[: -len(".day.bin")]] = values
                extents.add((start, count))
        visible = np.zeros(len(calendar), dtype=bool)
        for lo, hi in intervals:
            visible[lo : hi + 1] = True
        close = fields["close"]
        has_close = ~np.isnan(close)
        nan = np.full(len(calendar), np.nan)
        factor = fields.get("factor", nan)
        volume = fields.get("volume", nan)
        vwap = fields.get("vwap", nan)
        amount = fields.get("amount", nan)
        change = fields.get("change", nan)
        # D.features yields every calendar day of the instrument ranges (NaN where nothing is stored).
        suspended = np.isnan(close) & visible
        with np.errstate(invalid="ignore"):
            limit_buy = ((change >= limit_threshold) | suspended) & visible
            limit_sell = ((change <= -limit_threshold) | suspended) & visible
        if np.any(np.isnan(factor) & has_close & visible):
            result["adjusted_price_mode"] = True
        with np.errstate(invalid="ignore", divide="ignore"):
            rows = []
            for day in np.nonzero(has_close & visible)[0]:
                rows.append(
                    {
                        "day": int(day),
                        "raw_close": num(close[day] / factor[day]),
                        "shares": num(volume[day] * factor[day]),
                        "vwap0": num(vwap[day] / close[day]),
                        "vwap_volume_over_amount": num(vwap[day] * volume[day] / amount[day]),
                    }
                )
        result["symbols"][symbol] = {
            "intervals": intervals,
            "bin_extents": sorted(extents),
            "closes_outside_instruments": int(np.sum(has_close & ~visible)),
            "rows": rows,
            "suspended_days": [int(d) for d in np.nonzero(suspended)[0]],
            "factor_on_suspended_days": int(np.sum(suspended & ~np.isnan(factor))),
            "limit_buy_days": [int(d) for d in np.nonzero(limit_buy & ~suspended)[0]],
            "limit_sell_days": [int(d) for d in np.nonzero(limit_sell & ~suspended)[0]],
        }
    json.dump(result, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.095)
