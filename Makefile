# The course in two commands: `make lab` to learn, `make test` to check everything.
# Each target sets up what it needs: a .venv made with `python3 -m venv`, the pinned
# requirements, and this repo installed into it (that is how `import helpers` works
# in JupyterLab, under nbval and under nbgrader alike).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PORT   ?= 8888

# Stamps: re-run an install step only when its requirements changed.
LAB_STAMP  := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test

.PHONY: help lab lab-solutions test test-fast lint notebooks student bench grade progress clean

help:
	@echo "make lab        set up (first time only) and open your own copy of the course (work/)"
	@echo "make lab-solutions  open the instructor edition, every exercise solved (notebooks/)"
	@echo "make progress   which exercises of work/ pass, fail or wait (DIR=folder for another)"
	@echo "make test       set up (first time only) and run the whole test suite"
	@echo "make test-fast  helper tests, nbval and the mutants (no re-run, nbgrader, red team, browser, Binder)"
	@echo "make notebooks  re-run every notebook and save its outputs (after editing one)"
	@echo "make student    build the student edition with nbgrader into student/"
	@echo "make grade      grade submissions safely: COURSE=DIR ASSIGNMENT=NN_name [STUDENT=id]"
	@echo "make bench      measure what the course claims about cost; prints one table"
	@echo "make lint       ruff over the Python code"
	@echo "make clean      remove the virtual environment and build artefacts"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(LAB_STAMP): requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

$(TEST_STAMP): $(LAB_STAMP) requirements-test.txt
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-test.txt
	@touch $@

# LAB_ARGS go to `jupyter lab` (for example LAB_ARGS=--no-browser).
LAB_ARGS ?=

lab: $(LAB_STAMP)
	$(PY) tools/lab.py -- --port=$(PORT) $(LAB_ARGS)

lab-solutions: $(LAB_STAMP)
	$(PY) tools/lab.py --solutions -- --port=$(PORT) $(LAB_ARGS)

# The folder `make progress` reports on.
DIR ?= work

progress: $(LAB_STAMP)
	$(PY) -m helpers.progress $(DIR)

test: $(TEST_STAMP) lint
	$(PY) -m pytest

test-fast: $(TEST_STAMP)
	$(PY) -m pytest -m "not browser and not nbgrader and not binder and not redteam and not rerun"

lint: $(TEST_STAMP)
	$(BIN)/ruff check helpers tests tools bench instructor notebooks

notebooks: $(LAB_STAMP)
	$(PY) tools/run_notebooks.py

student: $(TEST_STAMP)
	$(PY) tools/build_student.py

grade: $(TEST_STAMP)
	@test -n "$(COURSE)" && test -n "$(ASSIGNMENT)" || { echo "usage: make grade COURSE=DIR ASSIGNMENT=NN_name [STUDENT=id]"; exit 2; }
	$(PY) tools/grade.py --course-dir "$(COURSE)" $(ASSIGNMENT) $(if $(STUDENT),--student $(STUDENT))

bench: $(TEST_STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
