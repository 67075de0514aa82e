# StoreLens: `make run` sets up and starts everything; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
RASA_VENV := .venv-rasa
HOST ?= 127.0.0.1
WEB_PORT ?= 5000
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
SECRETS := instance/storelens.env
export HOST WEB_PORT RASA_PORT ACTIONS_PORT
export RASA_TELEMETRY_ENABLED := false
export STORELENS_API_URL ?= http://$(HOST):$(WEB_PORT)/api/v1
# where share links, QR codes and sign-in links point (set it to the site's address in production)
export STORELENS_PUBLIC_URL ?= http://$(HOST):$(WEB_PORT)
# the assistant's tracker store (assistant/endpoints.yml): SQLite unless told otherwise
export RASA_TRACKER_DIALECT ?= sqlite
export RASA_TRACKER_DB ?= $(CURDIR)/instance/rasa-tracker.db
export RASA_TRACKER_URL ?=
export RASA_TRACKER_USER ?=
export RASA_TRACKER_PASSWORD ?=
# `make run ASSISTANTS=2`: that many Rasa instances on one PostgreSQL tracker store and a Redis lock
# store (scripts/run_assistants.py); one instance (the default) needs neither
ASSISTANTS ?= 1
export RASA_REDIS_URL ?=
# the web app's chat proxy: where Rasa answers, and its tracker (erased with a shopper's chat)
export STORELENS_ASSISTANT_URL ?= http://$(HOST):$(RASA_PORT)
export STORELENS_ASSISTANT_TRACKER_URL ?= $(if $(filter sqlite,$(RASA_TRACKER_DIALECT)),sqlite:///$(RASA_TRACKER_DB),)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

APP_REQUIREMENTS := webapp/requirements.txt webapp/requirements-mediapipe.txt tests/requirements.txt
ASSISTANT_SOURCES := assistant/config.yml assistant/domain.yml $(shell find assistant/data -name '*.yml' 2>/dev/null | sort) \
	$(wildcard assistant/jieba/*.txt) $(wildcard assistant/components/*.py) assistant/script.py assistant/cantonese.py

# Rasa 3.6 needs Python 3.10: PATH first, then pyenv's versions folder.
PYTHON310 := $(shell for p in $$(command -v python3.10) \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $${PYENV_ROOT:-$$HOME/.pyenv})/versions/3.10*/bin/python3.10 2>/dev/null | sort -Vr); do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
PYTHON311 := $(shell command -v python3.11 || command -v python3)

.PHONY: help run test setup app-env rasa-env frontend db train assistant-eval assistant-stories assistant-nlu-eval system-deps bench clean

help:
	@echo "make run    set up (first time), seed, train the assistant if needed, start everything"
	@echo "make test   the whole test suite (SQLite and PostgreSQL)"
	@echo "make bench  the benchmarks in bench/"

setup: app-env rasa-env frontend $(SECRETS) db

app-env: $(VENV)/.installed
$(VENV)/.installed: $(APP_REQUIREMENTS)
	@echo "==> App environment ($(VENV), $$($(PYTHON311) --version))"
	@test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	@$(VENV)/bin/pip install --progress-bar off -q -r webapp/requirements.txt -r tests/requirements.txt 2>&1 | grep -v 'is ignored' || true
	@# without its dependency list: keeps one OpenCV (headless) and leaves out jax & co.
	@$(VENV)/bin/pip install --progress-bar off -q --no-deps -r webapp/requirements-mediapipe.txt 2>&1 | grep -v 'is ignored' || true
	@$(VENV)/bin/python -c "import flask, sqlalchemy, mediapipe, cv2, trimesh" \
		|| { echo "App environment is incomplete; see the pip output above."; exit 1; }
	@touch $@

# Front-end libraries (model-viewer, three.js, the face mesh, jsQR, the WeChat JSSDK), pinned in
# webapp/static/vendor.txt, fetched with npm pack.
frontend: webapp/static/vendor/.installed
webapp/static/vendor/.installed: webapp/static/vendor.txt
	@command -v npm >/dev/null || { echo "npm is needed for the front-end libraries: apt-get install npm"; exit 1; }
	@echo "==> Front-end libraries (webapp/static/vendor.txt)"
	@mkdir -p webapp/static/vendor
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	grep -v '^\s*#' webapp/static/vendor.txt | while read -r package file name; do \
		[ -n "$$package" ] || continue; \
		tarball=$$(cd "$$tmp" && ls "$$(echo $$package | sed 's/^@//; s/\//-/; s/@/-/').tgz" 2>/dev/null \
			|| npm pack --silent --pack-destination "$$tmp" "$$package" | tail -1); \
		tar -xzf "$$tmp/$$tarball" -C "$$tmp" "package/$$file" && mkdir -p "$$(dirname webapp/static/vendor/$$name)" \
			&& cp --no-preserve=mode "$$tmp/package/$$file" "webapp/static/vendor/$$name" \
			|| exit 1; \
	done
	@touch $@

rasa-env: $(RASA_VENV)/.installed
$(RASA_VENV)/.installed: assistant/requirements.txt
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is needed for Rasa 3.6 and was not found (PATH, then pyenv's versions folder)."; \
		echo "Install it, for example:  pyenv install 3.10   (or: apt-get install python3.10 python3.10-venv)"; \
		exit 1; fi
	@echo "==> Rasa environment ($(RASA_VENV), $(PYTHON310))"
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	@$(RASA_VENV)/bin/pip install --progress-bar off -q -r assistant/requirements.txt 2>&1 | grep -v -e 'is ignored' -e DEPRECATION || true
	@$(RASA_VENV)/bin/python -c "import rasa, jieba" || { echo "Rasa environment is incomplete."; exit 1; }
	@touch $@

# Random tokens, made once per machine; read by the web app, Rasa and the action server. Checked
# on every run: a token added since the file was written (STORELENS_ACTIONS_TOKEN, the secret
# Rasa shows the action server) is appended, and existing ones are kept.
SECRET_NAMES := STORELENS_SECRET_KEY:32 STORELENS_SERVICE_TOKEN:24 STORELENS_ACTIONS_TOKEN:24
$(SECRETS): FORCE
	@mkdir -p instance
	@test -f $@ || { echo "==> Writing $(SECRETS) (secret key, service and action-server tokens)"; \
		( umask 077; : > $@ ); }
	@test -z "$$(tail -c1 $@)" || echo >> $@
	@for entry in $(SECRET_NAMES); do name=$${entry%%:*}; \
		grep -q "^$$name=" $@ || echo "$$name=$$(openssl rand -hex $${entry##*:})" >> $@ || exit 1; done
	@chmod 600 $@
FORCE:

db: app-env $(SECRETS)
	@set -a; . ./$(SECRETS); set +a; $(VENV)/bin/flask --app webapp init-db \
		&& $(VENV)/bin/flask --app webapp build-models

# Retrain only when the assistant's config, domain or data changed.
train: rasa-env
	@fingerprint=$$(cat $(ASSISTANT_SOURCES) | sha256sum | cut -c1-16); \
	if [ "$$(cat assistant/.trained-fingerprint 2>/dev/null)" = "$$fingerprint" ] && ls assistant/models/*.tar.gz >/dev/null 2>&1; then \
		echo "==> Assistant model is current"; \
	else \
		echo "==> Training the assistant (about 7 minutes on 2 cores)"; \
		cd assistant && ../$(RASA_VENV)/bin/rasa train --fixed-model-name storelens --quiet && cd .. \
		&& echo "$$fingerprint" > assistant/.trained-fingerprint; \
	fi

run: setup train
	@echo
	@echo "  StoreLens web app   http://$(HOST):$(WEB_PORT)/"
	@echo "  Virtual makeup      http://$(HOST):$(WEB_PORT)/makeup   (kiosk: /makeup?kiosk=1)"
	@echo "  Furniture in 3D/AR  http://$(HOST):$(WEB_PORT)/furniture/FUR-OSLO-3S"
	@echo "  Room planner        http://$(HOST):$(WEB_PORT)/planner"
	@echo "  Member sign-in      http://$(HOST):$(WEB_PORT)/account/sign-in   (SMS codes go to this log in development)"
	@echo "  Shopper chat        http://$(HOST):$(WEB_PORT)/chat   (the page the WeChat mini-program opens)"
	@echo "  Advisor console     http://$(HOST):$(WEB_PORT)/advisor   (first account: flask --app webapp staff create, see README)"
	@echo "  JSON API            http://$(HOST):$(WEB_PORT)/api/v1/stores"
	@echo "  Rasa assistant      http://$(HOST):$(RASA_PORT)/webhooks/rest/webhook"
	@echo "  Action server       http://127.0.0.1:$(ACTIONS_PORT)/health   (loopback; Rasa only)"
	@echo "  Ctrl-C stops all of them."
	@echo
	@set -a; . ./$(SECRETS); set +a; if [ "$(ASSISTANTS)" -gt 1 ]; then \
		exec $(VENV)/bin/python scripts/run_assistants.py $(ASSISTANTS); \
	else exec $(VENV)/bin/honcho start -f Procfile; fi

# What the tests need from Debian: PostgreSQL (the second database run), Redis (the assistants'
# shared lock store), Chromium and CJK fonts (browser tests and screenshots).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || test -x /usr/bin/redis-server || missing="$$missing redis-server"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then echo "==> Installing$$missing (Debian packages)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "Missing Debian packages:$$missing  (sudo apt-get install$$missing)"; exit 1; fi; fi

test: app-env rasa-env frontend system-deps
	@echo "==> make test: one line per stage; full logs in test-artifacts/logs/"
	@tests/stage.sh "Lint (ruff check, ruff format --check)" \
		bash -c '$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .'
	@tests/stage.sh "Assistant data (rasa data validate)" \
		bash -c 'cd assistant && ../$(RASA_VENV)/bin/rasa data validate --fail-on-warnings --quiet && echo "valid"'
	@STORELENS_REQUIRE_SYSTEM_DEPS=1 tests/stage.sh "Web, store, try-on (SQLite and PostgreSQL)" \
		$(VENV)/bin/python -m pytest -q
	@tests/stage.sh "Assistant training (when its data changed)" $(MAKE) --no-print-directory train
	@tests/stage.sh "Assistant actions and end to end" \
		$(RASA_VENV)/bin/python -m pytest -q --confcutdir=tests/assistant -p no:cacheprovider tests/assistant
	@tests/stage.sh "Assistant test stories" $(MAKE) --no-print-directory assistant-stories
	@tests/stage.sh "Assistant NLU on our held-out set" $(MAKE) --no-print-directory assistant-nlu-eval

# Test stories on the trained model, and its NLU on our own held-out utterances (assistant/tests/heldout,
# written for evaluation and never trained on; a random split of the training data would only re-test
# how we phrase examples, and cost a second model's training). Story reports land in assistant/results/,
# the held-out confusion matrix and misses in test-artifacts/.
RASA := ../$(RASA_VENV)/bin/rasa
assistant-eval: assistant-stories assistant-nlu-eval

assistant-stories: rasa-env
	@cd assistant && $(RASA) test core --stories tests/test_stories.yml -m models/storelens.tar.gz \
		--out results/core --fail-on-prediction-errors --quiet
	@echo "Test stories: all $$(grep -c 'story:' assistant/tests/test_stories.yml) passed"

assistant-nlu-eval: rasa-env
	@cd assistant && PYTHONPATH=. PYTHONWARNINGS=ignore ../$(RASA_VENV)/bin/python tests/heldout_report.py models/storelens.tar.gz \
		../test-artifacts/assistant-heldout-confusion.png

bench: app-env rasa-env frontend
	@$(VENV)/bin/python bench/api_bench.py
	@$(VENV)/bin/python bench/tryon_bench.py
	@$(VENV)/bin/python bench/furniture_bench.py
	@$(VENV)/bin/python bench/hardening_bench.py
	@$(MAKE) --no-print-directory train
	@$(RASA_VENV)/bin/python bench/chat_bench.py

clean:
	rm -rf $(VENV) $(RASA_VENV) assistant/models assistant/.trained-fingerprint .pytest_cache
