"""`python -m evaluation [TASK ...]`: score the stages and rewrite evaluation/scores.json."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from evaluation.tasks import DATA, TASK_BY_NAME, TASKS

SCORES = Path(__file__).resolve().parent / "scores.json"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("tasks", nargs="*", metavar="TASK",
                        help=f"tasks to run (default: all): {', '.join(TASK_BY_NAME)}")
    args = parser.parse_args()
    unknown = set(args.tasks) - set(TASK_BY_NAME)
    if unknown:
        parser.error(f"unknown task(s): {', '.join(sorted(unknown))}")
    if not DATA.is_dir():
        print(f"error: the development data is not at {DATA} (set NEWS_SHARED to the folder "
              "holding data/ and eval/)", file=sys.stderr)
        return 2
    scores = json.loads(SCORES.read_text()) if SCORES.exists() else {}
    for task in [TASK_BY_NAME[name] for name in args.tasks] or TASKS:
        began = time.monotonic()
        scores[task.name] = task.score(baselines=True)
        figures = "  ".join(f"{k}={v}" for k, v in scores[task.name].items())
        print(f"{task.name:<17} {figures}  ({time.monotonic() - began:.0f}s)", flush=True)
    SCORES.write_text(json.dumps(dict(sorted(scores.items())), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
