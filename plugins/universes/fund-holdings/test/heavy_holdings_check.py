"""An independent computation of the heavy-holdings index from the real cn-funds CSV files.

Straight from the README card of ../shared/data/cn-funds and the rules of the package README, in
exact arithmetic (fractions): no factorkit code, no loader. Used by test/real.test.ts.

usage: python3 heavy_holdings_check.py FOLDER DAY [DAY ...]
prints JSON: {DAY: {"members": [[code, weight], ...], "sample": n, "portfolios": n, "excluded": {...}}}
"""

import csv
import datetime
import gzip
import json
import sys
from fractions import Fraction

TYPES = {"active_equity"}
MIN_SIZE_100M = Fraction(2)  # 2e8 CNY
MIN_AGE_DAYS = 365
MAX_REPORT_AGE_DAYS = 200
CUT = Fraction(9, 10)


def days_between(earlier, later):
    return (datetime.date.fromisoformat(later) - datetime.date.fromisoformat(earlier)).days


def main():
    folder, days = sys.argv[1], sys.argv[2:]
    funds = {}
    with open(f"{folder}/funds.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            funds[row["fund_code"]] = (row["fund_type"], row["inception_date"])
    rows = []
    with gzip.open(f"{folder}/fund_holdings.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            weight = Fraction(row["weight"])
            if weight > 100:  # the data layer rejects these rows (weight range 0..100)
                continue
            rows.append((row["fund_code"], row["ann_date"], row["end_date"], row["ts_code"], weight, row["fund_size_100m"], row["portfolio_group"]))

    out = {}
    for day in days:
        latest = {}
        for code, ann, end, *_ in rows:
            if ann <= day and end > latest.get(code, ""):
                latest[code] = end
        groups = {}
        for code, ann, end, stock, weight, size, group in rows:
            if ann <= day and latest[code] == end:
                members = groups.setdefault((end, group), {})
                entry = members.setdefault(code, {"holdings": [], "size": size})
                entry["holdings"].append((stock, weight))
        excluded = {"type": 0, "stale": 0, "age": 0, "size": 0}
        sample = []
        for (end, _), members in groups.items():
            typed = [funds[c] for c in members if c in funds and funds[c][0]]
            types = {t for t, _ in typed}
            if len(types) != 1 or not types <= TYPES:
                excluded["type"] += 1
                continue
            if days_between(end, day) > MAX_REPORT_AGE_DAYS:
                excluded["stale"] += 1
                continue
            inceptions = [i for _, i in typed if i]
            if inceptions and days_between(min(inceptions), day) < MIN_AGE_DAYS:
                excluded["age"] += 1
                continue
            sizes = [Fraction(m["size"]) for m in members.values() if m["size"] != "" and Fraction(m["size"]) >= 0]
            if sizes and sum(sizes) < MIN_SIZE_100M:
                excluded["size"] += 1
                continue
            sample.append(members[min(members)]["holdings"])
        sums = {}
        for holdings in sample:
            for stock, weight in holdings:
                sums[stock] = sums.get(stock, 0) + weight
        averages = {stock: total / len(sample) for stock, total in sums.items()}
        total = sum(averages.values())
        chosen = []
        cumulative = Fraction(0)
        for stock in sorted(averages, key=lambda s: (-averages[s], s)):
            if cumulative >= CUT * total:
                break
            chosen.append(stock)
            cumulative += averages[stock]
        out[day] = {
            "members": [[s, float(averages[s] / cumulative)] for s in chosen],
            "cumulative": float(cumulative / total),
            "sample": len(sample),
            "portfolios": len(groups),
            "excluded": excluded,
        }
    json.dump(out, sys.stdout)


main()
