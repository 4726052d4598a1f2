"""Benchmark: 10,000 employees × 25 KPIs scored, graded and ranked in one call.

Run: ``python bench/bench_scoring.py [--employees N] [--kpis M] [--repeat R]``. Prints the best and median
wall time of ``score_period(...).frame`` (explanations are not rendered). Target: ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from kpidesk.domain.periods import parse_period
from kpidesk.domain.scoring import Adjustment, ScoringInput, Template, TemplateItem, score_period

_RULES = [
    dict(rule="three_level", direction="higher", baseline=80, target=90, challenge=95),
    dict(rule="three_level", direction="lower", baseline=90, target=60, challenge=30),
    dict(rule="band", direction="band", baseline=5, target=4, challenge=3),
    dict(rule="ratio", direction="higher", target=90),
    dict(rule="deduction", direction="higher", target=90, params={"points": 2, "step": 1}),
    dict(rule="occurrence", direction="lower", params={"points": 5}),
    dict(rule="table", direction="higher", params={"bands": [[98, 120], [95, 100], [90, 80]]}),
    dict(rule="direct", direction="higher"),
]


def build_input(employees: int, kpis: int, seed: int = 7) -> ScoringInput:
    rng = np.random.default_rng(seed)
    weights = np.full(kpis, 100 // kpis)
    weights[: 100 - weights.sum()] += 1
    items = []
    values = {}
    fields = {}
    for k in range(kpis):
        spec = dict(_RULES[k % len(_RULES)])
        code = f"kpi{k:02d}"
        if k % 5 == 4:  # every fifth KPI is computed from raw fields
            spec["formula"] = f"done_{k} / planned_{k} * 100"
            planned = rng.integers(0, 200, employees).astype(float)
            fields[f"planned_{k}"] = planned
            fields[f"done_{k}"] = np.floor(planned * rng.uniform(0.7, 1.0, employees))
        else:
            values[code] = rng.normal(85, 10, employees)
            values[code][rng.random(employees) < 0.02] = np.nan
        items.append(TemplateItem(code=code, weight=int(weights[k]), **spec))
    template = Template("csr", tuple(items), department_rule=True)
    ids = [f"E{i:05d}" for i in range(employees)]
    departments = rng.integers(0, 40, employees)
    adjustments = [Adjustment(ids[i], 2.0, "commendation") for i in range(0, employees, 50)]
    return ScoringInput(
        period=parse_period("2025-03"), employees=ids, departments=departments, templates=[template],
        values=values, fields=fields, adjustments=adjustments, qualitative=rng.uniform(60, 100, employees),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--kpis", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = build_input(args.employees, args.kpis)
    _ = score_period(data).frame  # warm up imports and caches
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        frame = score_period(data).frame
        timings.append(time.perf_counter() - start)
    print(f"{args.employees} employees × {args.kpis} KPIs: best {min(timings) * 1000:.1f} ms, "
          f"median {statistics.median(timings) * 1000:.1f} ms ({frame.shape[0]} rows × {frame.shape[1]} columns)")


if __name__ == "__main__":
    main()
