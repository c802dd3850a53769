"""Trade-offs a ward can see: cameras and whole cost against the quality rule and camera class.

For the demo ward (with its survey) and the real HCMC extract, plans every scenario of
:func:`covplan.plan.pareto.pareto_table` — detect / observe / recognise along the alleys
× ordinary 2–4 MP cameras / the whole catalogue, plus the default rule at half and a
quarter of the full plan's cost — and writes one row per ward and scenario with its new
cameras, whole cost, the cameras' price alone, share seen, routes fully seen, whether the
camera count is proven, whether it is on the Pareto front, and the seconds it took
(scenarios share one :class:`covplan.plan.PlanCache`, so later ones reuse geometry).

``--quick`` (or ``run(quick=True)``): the demo ward only.
"""

from __future__ import annotations

import time

import pandas as pd

from benchmarks.bench_realism import WARDS, load_ward


def measure_ward(ward: str) -> pd.DataFrame:
    """Return the scenario table of one ward (empty when its data is absent)."""
    from covplan.plan import PlanCache, plan_ward
    from covplan.plan.pareto import pareto_table
    from covplan.survey import read_survey

    loaded = load_ward(ward)
    if loaded is None:
        return pd.DataFrame({"ward": [ward], "scenario": ["skipped: data absent"]})
    area, survey_path = loaded
    survey = read_survey(survey_path, area=area) if survey_path else None
    cache = PlanCache()
    t0 = time.perf_counter()
    full = plan_ward(area, survey=survey, cache=cache)
    cost = int(full.summary["cost_vnd"])
    budgets = [round(cost / 2, -6), round(cost / 4, -6)]
    table = pareto_table(area, survey=survey, cache=cache, budgets=[int(b) for b in budgets])
    table.insert(0, "ward", ward)
    table["seconds_all"] = round(time.perf_counter() - t0, 1)
    return table


def run(quick: bool = False) -> pd.DataFrame:
    """Measure the demo ward (and, unless ``quick``, the HCMC extract)."""
    wards = WARDS[:1] if quick else WARDS
    return pd.concat([measure_ward(w) for w in wards], ignore_index=True)
