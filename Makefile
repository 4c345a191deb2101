# The two quick-start commands: `make run` (portal with demo data at http://127.0.0.1:8000)
# and `make test` (everything installed, the whole suite). Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: install run test audit lock worker beat clean

$(VENV)/.installed: pyproject.toml requirements.lock
	bash scripts/install-system-deps.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages -v0 2>/dev/null || true
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST)

test: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

# Pip-audit of the locked dependency set (requirements.lock is a constraints file).
audit: install
	$(PY) scripts/audit-dependencies.py

# Re-pin after changing pyproject.toml.
lock: install
	$(PY) -m pip freeze --exclude-editable > requirements.lock

worker: install
	$(VENV)/bin/celery -A config worker -l info

beat: install
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
