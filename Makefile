# Two commands on a fresh machine: `make run` (the bot; the offline sandbox until a token
# is set) and `make test`. Both create the virtual environment on first use.

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint catalogs

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# setuptools notes "Editable installation" on every flat-layout editable install: not a problem.
	PYTHONWARNINGS='ignore:Editable installation' $(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# With a token (BOT_TOKEN or telegram.token in config.toml): the bot; without: the sandbox.
run: $(STAMP)
	@if [ -n "$${BOT_TOKEN:-}" ] || grep -Eqs '^\s*token\s*=' $${PPO_BOT_CONFIG:-config.toml}; \
	then $(VENV)/bin/ppo-bot run; else $(VENV)/bin/ppo-bot sandbox; fi

# Two workers (pytest-xdist) for most tests; those marked `serial` (a rush of presses, the
# load test, kills) time the machine itself, so they run alone afterwards.
test: $(STAMP)
	$(PY) -m pytest -q -n 2 -m "not serial"
	$(PY) -m pytest -q -m serial

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot botapi_emulator
	$(VENV)/bin/lint-imports

# Babel: extract the template from the source, merge it into kk/ru/en, compile.
catalogs: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k __ -k lazy_gettext --no-location \
		--sort-output --project ppo-bot -o locales/messages.pot bot
	$(VENV)/bin/pybabel update -i locales/messages.pot -d locales -D messages \
		--ignore-obsolete --no-fuzzy-matching --width 99
	$(VENV)/bin/pybabel compile -d locales -D messages --statistics
