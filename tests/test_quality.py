"""Quality floors: each stage, scored on the development data by the reference scorers,
must not fall below the floor pinned in evaluation/floors.json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.tasks import DATA, LOWER_IS_BETTER, TASKS

FLOORS = json.loads((Path(__file__).resolve().parent.parent / "evaluation" / "floors.json")
                    .read_text(encoding="utf-8"))
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"no development data at {DATA}")


def test_every_task_has_floors():
    assert set(FLOORS) == {task.name for task in TASKS}


def test_floors_pin_only_our_metrics():
    """Baseline figures (keep_all_f1, justext_f1, ...) are other systems': never a floor."""
    for task in TASKS:
        for metric in FLOORS[task.name]:
            assert not any(metric.startswith(f"{name}_") for name in task.baselines), metric


@needs_data
@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.name)
def test_scores_stay_above_their_floors(task):
    scores = task.score()
    for metric, floor in FLOORS[task.name].items():
        if metric in LOWER_IS_BETTER:
            assert scores[metric] <= floor, f"{task.name} {metric} rose to {scores[metric]}"
        else:
            assert scores[metric] >= floor, f"{task.name} {metric} fell to {scores[metric]}"


@needs_data
def test_the_accurate_claims_model_never_saw_a_held_out_debate():
    """Its encoder trained on the tuning debates, and its weights were fitted on out-of-fold
    scores of exactly those lines: no held-out line may be among them."""
    from evaluation.tasks import HELD_OUT_DEBATES, debates
    from pipeline.claims import ACCURATE_DIR

    tuning = debates("tuning")
    assert {r["debate"] for r in tuning}.isdisjoint(HELD_OUT_DEBATES)
    assert len(tuning) == len(debates("train")) + len(debates("dev"))
    training = json.loads((ACCURATE_DIR / "training.json").read_text(encoding="utf-8"))
    folds = [set(fold) for fold in training["folds"]]
    assert set().union(*folds) == {r["debate"] for r in tuning}
    assert sum(map(len, folds)) == len(set().union(*folds))  # each debate in one fold
    out_of_fold = json.loads((ACCURATE_DIR / "out_of_fold.json").read_text(encoding="utf-8"))
    assert set(out_of_fold) == {r["id"] for r in tuning}
