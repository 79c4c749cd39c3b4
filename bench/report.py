#!/usr/bin/env python3
"""bench/report.py RAW RESULTS: medians of the bench samples, each beside pharos.

RAW has lines part,metric,setting,subject,value,unit (one per sample). RESULTS gets
part,metric,setting,subject,median,min,max,runs,unit,pharos_median,ratio_to_pharos and a
table is printed: for every (part, metric, setting) the pharos figure first, then each
peer with the ratio peer/pharos (for times and costs above 1 means pharos is better; for
throughput below 1 means pharos is better)."""
import csv
import statistics
import sys
from collections import OrderedDict

PHAROS = ("pharosd", "pharos-dnsd", "pharos")


def num(v):
    try:
        return float(v)
    except ValueError:
        return None


def fmt(v):
    if v is None:
        return "NA"
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return "%.0f" % v
    if abs(v) >= 10:
        return "%.1f" % v
    if abs(v) >= 0.1:
        return "%.3f" % v
    return "%.3g" % v


def main():
    raw, out = sys.argv[1], sys.argv[2]
    groups = OrderedDict()
    with open(raw) as f:
        for row in csv.reader(f):
            if len(row) != 6:
                continue
            part, metric, setting, subject, value, unit = row
            g = groups.setdefault((part, metric, setting), OrderedDict())
            g.setdefault((subject, unit), []).append(num(value))
    rows = []
    for (part, metric, setting), subs in groups.items():
        med = {}
        for (subject, unit), vals in subs.items():
            ok = [v for v in vals if v is not None]
            med[subject] = (statistics.median(ok) if ok else None, ok, len(vals), unit)
        ref = next((med[s][0] for s in med if s in PHAROS), None)
        for subject, (m, ok, n, unit) in med.items():
            ratio = None
            if subject not in PHAROS and ref and m is not None:
                ratio = m / ref
            rows.append([part, metric, setting, subject, m, min(ok) if ok else None,
                         max(ok) if ok else None, n, unit, ref, ratio])
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["part", "metric", "setting", "subject", "median", "min", "max", "runs",
                    "unit", "pharos_median", "ratio_to_pharos"])
        for r in rows:
            w.writerow([("%.6g" % x) if isinstance(x, float) else ("NA" if x is None else x)
                        for x in r])
    hdr = ("part", "metric", "setting", "subject", "median", "min..max", "n", "unit", "x pharos")
    lines = [hdr]
    for r in rows:
        lines.append((r[0], r[1], r[2], r[3], fmt(r[4]), "%s..%s" % (fmt(r[5]), fmt(r[6])),
                      str(r[7]), r[8], "" if r[10] is None else "%.2f" % r[10]))
    width = [max(len(l[i]) for l in lines) for i in range(len(hdr))]
    last = None
    for i, l in enumerate(lines):
        key = l[:3]
        if i > 1 and key != last:
            print()
        last = key
        print("  ".join(c.ljust(width[j]) if j < 4 else c.rjust(width[j])
                        for j, c in enumerate(l)).rstrip())


main()
