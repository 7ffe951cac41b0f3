# unionportal: `make run` starts the portal with demo data, `make test` runs lint and the suite.
# Without DATABASE_URL / REDIS_URL, both start an embedded PostgreSQL and Redis under var/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint format e2e migrate messages bench clean services-stop check-deploy

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(PY) scripts/devstack.py run

# --durations: the slowest tests in every full run's output (CI has 90 minutes for the whole suite).
test: $(STAMP) lint
	$(PY) scripts/devstack.py test --durations=40

e2e: $(STAMP)
	$(PY) scripts/devstack.py test tests/e2e

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates apps --lint
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=unionportal.settings.test $(PY) manage.py makemigrations --check --dry-run > /dev/null

# `check --deploy` under production settings with throwaway values for every variable they
# require (a fresh 50-character secret key: shorter ones fail security.W009). CI runs it.
check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=unionportal.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=portal.example.org \
	AXES_PROXY_COUNT="$${AXES_PROXY_COUNT:-1}" \
	FIELD_ENCRYPTION_SALT="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	MEMBER_ID_HASH_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')" \
	DATABASE_URL="$${DATABASE_URL:-postgres://portal@db.example.org:5432/unionportal}" \
	REDIS_URL="$${REDIS_URL:-redis://redis.example.org:6379/0}" \
	$(PY) manage.py check --deploy --fail-level WARNING

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=tests
	cd locale && ../$(PY) ../manage.py compilemessages

# The county-scale benchmark in its own database; `make bench BENCH_ARGS="--scale province"` for 100x.
bench: $(STAMP)
	$(PY) scripts/devstack.py bench $(BENCH_ARGS)

services-stop:
	$(PY) scripts/devstack.py stop

clean: services-stop
	rm -rf var
