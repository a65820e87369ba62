# Two commands on a fresh machine:  make demo   and   make test
# (Python 3.11+, Java 17 and Maven are all they assume; everything else is installed here.)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CITEGRAPH := $(BIN)/citegraph

.PHONY: install demo test test-fast chaos neo4j stop browser-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

neo4j: install
	$(CITEGRAPH) neo4j start

stop: install
	$(CITEGRAPH) neo4j stop

# The main job: install, start the managed Neo4j, load the samples, show results.
demo: neo4j
	$(CITEGRAPH) load samples/neurips2023-workshops.jsonl --conference "NeurIPS 2023"
	$(CITEGRAPH) load samples/hub-artifacts.jsonl
	@# the citation samples hold deliberately bad rows: exit status 3 reports them
	$(CITEGRAPH) load samples/citations/ || [ $$? -eq 3 ]
	$(CITEGRAPH) analyze coauthorship --write
	$(CITEGRAPH) stats
	$(CITEGRAPH) query most-cited -p limit=5
	$(CITEGRAPH) neo4j status

# Debian's Chromium for the Browser end-to-end test (nothing downloads a browser).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || ./.ci/install-chromium

# Every test, against a real Neo4j that the test session starts and stops itself.
test: install browser-deps
	$(BIN)/pytest -q

# Unit tests only (no server, no browser).
test-fast: install
	$(BIN)/pytest -q -m "not neo4j and not browser"

# The long versions of the reliability tests (about 30 minutes): 150 hypothesis examples per format
# family, a dozen random-moment kills, eight races of four loaders, fresh random seeds each run;
# then the kill points, signals, malformed corpus and security tests. `make test` runs quick ones.
CHAOS_TESTS := tests/test_fuzz.py tests/test_kill_points.py tests/test_concurrency.py tests/test_signals.py \
	tests/test_malformed_corpus.py tests/test_hostile_files.py tests/test_hostile_text.py tests/test_security.py
chaos: install
	CITEGRAPH_CHAOS=1 $(BIN)/pytest -q $(CHAOS_TESTS)

bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache build *.egg-info
