"""The stage breakdown of `make bench`: profiled time lands on the stage that spent it."""
from __future__ import annotations

import cProfile
import gc
import pstats

from evaluation.bench import breakdown, stage_of
from pipeline.clean import clean
from tests.conftest import TELESUR


def test_files_map_to_stages():
    assert stage_of("/x/pipeline/boilerplate.py") == "cleaning"
    assert stage_of("/x/site-packages/spacy/language.py") == "spaCy model"
    assert stage_of("/x/site-packages/pandas/core/frame.py") == "other libraries"
    assert stage_of("/usr/lib/python3.11/re/__init__.py") is None  # goes to its caller


def test_the_standard_library_counts_for_its_caller(tmp_path):
    """Cleaning a dump spends much of its time in `re` and builtins; that time is
    cleaning's, not a stage of its own, and no time is lost or counted twice."""
    raw = TELESUR.read_text(encoding="utf-8")
    gc.collect()  # no finaliser of an earlier test's garbage may run inside the profile
    gc.disable()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        clean(raw)
    profiler.disable()
    gc.enable()
    profiler.dump_stats(tmp_path / "run.pstats")
    seconds = breakdown(tmp_path / "run.pstats")
    assert max(seconds, key=seconds.get) == "cleaning"
    stages = {stage for stage, spent in seconds.items() if spent > 1e-4}
    # the dates grammar and the credit lines are read by cleaning; the lexicon once
    assert stages <= {"cleaning", "dates (ours)", "citations (ours)", "model set-up (ours)"}
    total = pstats.Stats(str(tmp_path / "run.pstats")).total_tt
    assert abs(sum(seconds.values()) - total) < 1e-6
