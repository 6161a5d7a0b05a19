"""Recompute a backtest's metrics from its written files alone (nav.csv, trades.csv, holdings.csv,
and the capital and deposit settings of metrics.json), independently of the TypeScript code.

Usage: python3 reference_metrics.py DIR  → writes DIR/reference.json
"""
import csv
import datetime
import json
import math
import sys
from collections import defaultdict

import numpy as np

out = sys.argv[1]


def rows(name):
    with open(f"{out}/{name}", newline="") as f:
        return list(csv.DictReader(f))


def num(text):
    return float(text) if text != "" else math.nan


summary = json.load(open(f"{out}/metrics.json"))
capital = summary["capital"]
rate = summary["settings"]["depositRate"]
basis = summary["settings"]["dayBasis"]

nav_rows = rows("nav.csv")
dates = [datetime.date.fromisoformat(r["trade_date"]) for r in nav_rows]
nav = np.array([num(r["nav"]) for r in nav_rows])
bench = np.array([num(r["benchmark_nav"]) for r in nav_rows])
cash = np.array([num(r["cash"]) for r in nav_rows])
cost = np.array([num(r["cost"]) for r in nav_rows])
turnover_column = np.array([num(r["turnover"]) for r in nav_rows])
value = nav * capital
n = len(nav) - 1
years = (dates[-1] - dates[0]).days / 365


def annual(total):
    return (1 + total) ** (1 / years) - 1


def max_drawdown(series):
    peak = np.maximum.accumulate(series)
    return float(np.max(1 - series / peak))


r = nav[1:] / nav[:-1] - 1
rb = bench[1:] / bench[:-1] - 1
total = nav[-1] / nav[0] - 1
btotal = bench[-1] / bench[0] - 1
te = float(np.std(r - rb, ddof=1) * math.sqrt(n / years))
excess_curve = nav / bench

# Turnover from the trades, per day.
traded = defaultdict(float)
fees = defaultdict(float)
flows = defaultdict(float)
for t in rows("trades.csv"):
    amount = num(t["amount"])
    fee = num(t["commission"]) + num(t["stamp_duty"]) + num(t["transfer_fee"])
    traded[t["trade_date"]] += amount
    fees[t["trade_date"]] += fee
    if t["status"] in ("filled", "partial"):
        flows[t["trade_date"]] += (amount - fee) if t["side"] == "sell" else -(amount + fee)
day_turnover = np.array([0.0] + [traded[d.isoformat()] / 2 / value[k - 1] for k, d in enumerate(dates) if k > 0])

# The cash ledger: interest on yesterday's cash over calendar days, then the day's trades.
ledger = [capital]
for k in range(1, len(dates)):
    ledger.append(ledger[-1] * (1 + rate * (dates[k] - dates[k - 1]).days / basis) + flows[dates[k].isoformat()])
ledger = np.array(ledger)


def win_rate(key):
    groups = {}
    for k in range(1, len(dates)):
        groups.setdefault(key(dates[k]), []).append(k)
    wins = 0
    base = 0
    for ks in groups.values():
        last = ks[-1]
        if nav[last] / nav[base] > bench[last] / bench[base]:
            wins += 1
        base = last
    return wins / len(groups)


def new_high_rate(series):
    return sum(1 for k in range(1, len(series)) if series[k] > np.max(series[:k])) / (len(series) - 1)


# Holdings: the weights and the cash share add up to 1 at each recorded close.
weights = defaultdict(float)
for h in rows("holdings.csv"):
    weights[h["trade_date"]] += num(h["weight"])
index = {d.isoformat(): k for k, d in enumerate(dates)}
holding_gap = max(abs(w + cash[index[d]] / value[index[d]] - 1) for d, w in weights.items())

reference = {
    "total_return": total,
    "annual_return": annual(total),
    "benchmark_total_return": btotal,
    "benchmark_annual_return": annual(btotal),
    "total_excess": total - btotal,
    "total_excess_ratio": (1 + total) / (1 + btotal) - 1,
    "annual_excess": annual(total) - annual(btotal),
    "annual_excess_ratio": (1 + annual(total)) / (1 + annual(btotal)) - 1,
    "annual_volatility": float(np.std(r, ddof=1) * math.sqrt(n / years)),
    "tracking_error": te,
    "information_ratio": (annual(total) - annual(btotal)) / te,
    "max_drawdown": max_drawdown(nav),
    "excess_max_drawdown": max_drawdown(excess_curve),
    "turnover": float(np.sum(day_turnover) / years),
    "cost_drag": float(np.sum(cost[1:] / value[:-1]) / years),
    "weekly_win_rate": win_rate(lambda d: d.isocalendar()[:2]),
    "monthly_win_rate": win_rate(lambda d: (d.year, d.month)),
    "new_high_rate": new_high_rate(nav),
    "excess_new_high_rate": new_high_rate(excess_curve),
    "years": years,
    "days": n,
    # Consistency of the files with each other.
    "turnover_column_gap": float(np.max(np.abs(day_turnover - turnover_column))),
    "cash_ledger_gap": float(np.max(np.abs(ledger - cash) / capital)),
    "holding_gap": float(holding_gap),
}
json.dump(reference, open(f"{out}/reference.json", "w"), indent=2)
