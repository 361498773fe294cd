# Two commands on a fresh Debian machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
# What the application and its tests need from Debian: CJK fonts and HarfBuzz for PDFs, YAZ and
# MARC::Lint for the interoperability tests, Chromium for the browser tests.
DEB_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 yaz libmarc-lint-perl chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install debs run test translations extract-messages clean-venv

install: debs $(VENV)/.installed translations

debs:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	python3 -m venv --help >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: requirements.txt
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -f -d app/translations >/dev/null

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot app
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations

instance/secret_key:
	@mkdir -p instance && umask 077 && $(PY) -c 'import secrets; print(secrets.token_hex(32))' > $@

run: install instance/secret_key
	@export SECRET_KEY=$$(cat instance/secret_key) COOKIE_SECURE=0 PUBLIC_BASE_URL=http://127.0.0.1:$(PORT); \
	$(FLASK) db upgrade && $(FLASK) demo seed --once && \
	exec $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
