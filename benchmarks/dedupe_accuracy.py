"""Accuracy of near-duplicate folding next to brute-force Jaccard, for ``dedupe_window.py``: pairwise precision
and recall on the labelled duplicate groups of police_fr_dev (in several arrival orders), and look-alike pairs
that must stay apart (the same wording, another street, station, name or number)."""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any

import harness
import orjson
from brute_jaccard import BruteForce, shingle_ids

from streams.dedupe_cli import dedupe_lines, read_lines
from streams.settings import Settings

LOOK_ALIKES = [  # pairs that must stay apart (the same wording, another place, name, number)
    ("fusillade en cours rue de Charonne, restez chez vous", "fusillade en cours rue de la Roquette, restez chez vous"),
    ("on est 15 cachés dans la réserve, ils tirent encore", "on est 5 cachés dans la réserve, ils tirent encore"),
    ("URGENT on recherche Camille vue à Bastille vers 22h, robe verte",
     "URGENT on recherche Léa vue à Bastille vers 22h, robe verte"),
    ("URGENT on recherche Camille vue à Bastille vers 22h, robe verte",
     "URGENT on recherche Camille vue à République vers 22h, robe verte"),
    ("ENORME boum côté porte C du Stade de France, 4 personnes par terre",
     "ENORME boum côté porte G du Stade de France, 4 personnes par terre"),
    ("stuck at Saint-Ambroise since 23h01, no taxi will stop for us, are the metros running?",
     "stuck at Saint-Ambroise since 23h23, no taxi will stop for us, are the metros running?"),
    ("colis suspect devant le lycée Voltaire, la police est prévenue ?",
     "colis suspect devant le lycée Turgot, la police est prévenue ?"),
]
URGENT_LOOK_ALIKES = [  # apart at priority 0 (a word replaced); the same lost-property question would fold at 2
    ("on est cachés dans la réserve du bar, ils tirent encore, on est 6 venez vite",
     "on est cachés dans la réserve du resto, ils tirent encore, on est 6 venez vite"),
]


def dev_pairs(rows: Sequence[dict[str, Any]], clusters: Sequence[Any]) -> tuple[float, float]:
    by: dict[Any, list[int]] = {}
    for i, c in enumerate(clusters):
        by.setdefault(c, []).append(i)
    pred = {p for members in by.values() for p in itertools.combinations(members, 2)}
    gold = {(i, j) for i, j in itertools.combinations(range(len(rows)), 2)
            if rows[i].get("dup_group") and rows[i].get("dup_group") == rows[j].get("dup_group")}
    tp = len(pred & gold)
    return (tp / len(pred) if pred else 1.0), tp / len(gold)


def accuracy(settings: Settings, orders: int) -> dict[str, Any]:
    path = settings.data_dir / "police_fr_dev" / "messages.jsonl"
    if not path.exists():
        return {"skipped": f"no labelled data at {path}"}
    raw = path.read_bytes().splitlines()
    vigie, brute = [], {}
    for o in range(orders):
        order = list(raw)
        if o:
            random.Random(o).shuffle(order)
        rows = [orjson.loads(r) for r in order]
        lines = list(read_lines(order, time.time(), print))
        clusters = asyncio.run(dedupe_lines(lines, harness.phase(settings)))
        vigie.append(dev_pairs(rows, clusters))
        ids = [shingle_ids(r["text"]) for r in rows]
        for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7):
            bf = BruteForce(t)
            brute.setdefault(t, []).append(dev_pairs(rows, [bf.add(x) for x in ids]))
    # brute force's best threshold: the best F1 (it never reaches precision 0.99 with useful recall)
    def f1(pr: list[tuple[float, float]]) -> float:
        p, r = statistics.mean(x[0] for x in pr), statistics.mean(x[1] for x in pr)
        return 2 * p * r / (p + r) if p + r else 0.0
    best_t = max(brute, key=lambda t: f1(brute[t]))
    apart_v = sum(not same for same in look_alikes_vigie(settings))
    return {
        "orders": orders,
        "vigie": {"precision": min(p for p, _ in vigie), "recall": min(r for _, r in vigie),
                  "precision_mean": statistics.mean(p for p, _ in vigie),
                  "recall_mean": statistics.mean(r for _, r in vigie), "look_alikes_apart": apart_v},
        "brute_force": {"threshold": best_t,
                        "precision": min(p for p, _ in brute[best_t]), "recall": min(r for _, r in brute[best_t]),
                        "by_threshold": {str(t): {"precision": statistics.mean(p for p, _ in v),
                                                  "recall": statistics.mean(r for _, r in v)}
                                         for t, v in brute.items()},
                        "look_alikes_apart": _brute_apart(best_t)},
        "look_alikes": len(LOOK_ALIKES) + len(URGENT_LOOK_ALIKES),
    }


def _brute_apart(threshold: float) -> int:
    apart = 0
    for a, b in [*LOOK_ALIKES, *URGENT_LOOK_ALIKES]:
        bf = BruteForce(threshold)
        bf.add(shingle_ids(a))
        apart += bf.lookup(shingle_ids(b)) is None
    return apart


def look_alikes_vigie(settings: Settings) -> list[bool]:
    """For each look-alike pair, did the worker's path fold the second into the first?"""
    out = []
    for (a, b), priority in [*((p, 2) for p in LOOK_ALIKES), *((p, 0) for p in URGENT_LOOK_ALIKES)]:
        lines = list(read_lines([orjson.dumps({"id": "a", "text": a, "priority": priority}),
                                 orjson.dumps({"id": "b", "text": b, "priority": priority})], time.time(), print))
        clusters = asyncio.run(dedupe_lines(lines, harness.phase(settings)))
        out.append(clusters[1] == "a")
    return out
