# Two commands on a fresh machine: `make extract` and `make test`.
# Each bootstraps .venv on first use; the stamp file makes later runs install nothing.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev
IN     ?= corpus
OUT    ?= outputs

TRAIN_VENV := .venv-train
TRAIN  := $(TRAIN_VENV)/.installed

.PHONY: extract test eval bench train-boilerplate train-claims train-claims-accurate lint readme \
	clean-venv dump-corpus

# `make extract` installs what extraction needs; the tests, eval and bench add the dev and
# dask extras.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,dask]'
	touch $(DEV)

extract: $(STAMP)
	$(PY) -m pipeline extract $(IN) --out $(OUT)

test: $(DEV)
	$(PY) -m pytest -q

# Scores every stage on ../shared/data with ../shared/eval's scorers; rewrites
# evaluation/scores.json. `make eval TASKS="timex events"` runs a subset.
eval: $(DEV)
	$(PY) -m evaluation $(TASKS)

# Speed and memory of `make extract` on N articles (default 1000): prints the figures;
# `ROUNDS=5` repeats extract and raw spaCy side by side five times (default 3).
# `make bench LONG=1`: one article of 10k, 100k and 1M characters (memory, report time).
# `make bench CLAIMS=1 N=200`: what each claims model costs, textcat against accurate.
# `make bench SCALE=20000`: time per document and peak memory at N (1000) and 20000 articles.
bench: $(DEV)
	$(PY) -m evaluation.bench $(N) $(if $(LONG),--long) $(if $(CLAIMS),--claims) \
		$(if $(SCALE),--scale $(SCALE)) $(if $(ROUNDS),--rounds $(ROUNDS))

# Refits models/boilerplate_model.json (the dump line classifier) on ../shared/data and
# prints its page-level cross-validated scores.
train-boilerplate: $(DEV)
	$(PY) -m evaluation.train_boilerplate

# Retrains the check-worthiness textcat (models/claims/model, from models/claims/config.cfg
# with spaCy's `spacy train`) and refits the weights and threshold in models/claims_rules.json.
train-claims: $(DEV)
	$(PY) -m evaluation.train_claims

# The accurate claims model, in a venv of its own with the `train` extra (torch never enters
# .venv): fine-tunes all-MiniLM-L6-v2 on the 17 train and dev debates, for as long as four-fold
# cross-validation over them chooses, writes it as int8 ONNX to models/claims/accurate/ (about
# 50 minutes on two cores), then refits its weights and threshold on the folds' out-of-fold
# scores in models/claims_rules_accurate.json.
$(TRAIN): pyproject.toml
	test -x $(TRAIN_VENV)/bin/python || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(TRAIN_VENV)/bin/python -m pip install --quiet -e '.[dev,train]'
	touch $(TRAIN)

train-claims-accurate: $(TRAIN) $(DEV)
	HF_HUB_OFFLINE=1 $(TRAIN_VENV)/bin/python -m evaluation.finetune_claims
	$(PY) -m evaluation.train_claims --accurate

lint: $(DEV)
	$(VENV)/bin/ruff check .

# Rewrites README.md's command-line reference from `--help` (tests/test_docs.py checks it).
readme: $(STAMP)
	$(PY) -m evaluation.readme_cli

clean-venv:
	rm -rf $(VENV) $(TRAIN_VENV)

# Labelled w3m / lynx dumps of public extractor test pages (needs w3m, lynx and the
# repository snapshots under /work/.mirror, see evaluation/dump_corpus.py); data outside the repo.
DUMP_OUT ?= ../dump_corpus
dump-corpus: $(STAMP)
	$(PY) -m evaluation.dump_corpus $(DUMP_OUT) --dev-check
