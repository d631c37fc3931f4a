"""Quality measurement of each stage on the annotated development data in ../shared/data/.

Predictions are written in the reference scorers' formats and scored by those scorers
(../shared/eval/), so the figures here are theirs. `make eval` rewrites `scores.json`;
`floors.json` pins the minimum each figure may reach, checked by tests/test_quality.py.
"""
