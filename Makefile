# Dealgate developer tasks (GNU make). `make` or `make help` lists them.
#
# Postgres comes from scripts/db.sh: $DATABASE_URL if set, else a server on
# 127.0.0.1:5432, else `docker compose up -d db`, else a private cluster in
# .data/pg. Browser tests use Chromium, installed by scripts/chromium.sh.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

GO         ?= go
GOFMT      ?= gofmt
BIN        ?= bin/dealgate
PKG        ?= ./cmd/dealgate
PKGS       ?= ./...
DB_NAME    ?= dealgate
VERSION    ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS    ?= -s -w -X main.version=$(VERSION)
TESTFLAGS  ?=
BENCH      ?= .
BENCHFLAGS ?=

# E2E=1 (environment or `make test E2E=1`; both reach go test's environment)
# makes a missing browser fail the suite.

# Sets TEST_DATABASE_URL from scripts/db.sh unless the caller already set it.
TEST_DB := if [ -z "$${TEST_DATABASE_URL:-}" ]; then \
	TEST_DATABASE_URL="$$(bash scripts/db.sh)"; export TEST_DATABASE_URL; fi

.PHONY: help run build test check generate bench bench-http screens fmt clean clean-data db

help: ## List the targets
	@echo 'Usage: make TARGET [VAR=value]'
	@echo
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo 'Variables: GO=$(GO) DB_NAME=$(DB_NAME) PKGS=$(PKGS) TESTFLAGS= BENCH=$(BENCH) E2E=$(E2E) VERSION=$(VERSION)'

run: build ## Start Postgres, migrate, seed demo data and serve on :8080
	@export DATABASE_URL="$$(bash scripts/db.sh $(DB_NAME))"; \
	export DEALGATE_ENV="$${DEALGATE_ENV:-development}"; \
	$(abspath $(BIN)) migrate up; \
	$(abspath $(BIN)) seed demo; \
	exec $(abspath $(BIN)) serve

build: ## Build a static binary into bin/ (VERSION=...)
	@mkdir -p $(dir $(BIN))
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) $(PKG)

test: ## Run all tests with -race (sets up Postgres and Chromium; E2E=1 requires the browser)
	@$(TEST_DB); \
	bash scripts/chromium.sh >/dev/null; \
	echo "$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) $(PKGS)"; \
	$(GO) test -race -count=1 -timeout 30m $(TESTFLAGS) $(PKGS)

check: ## gofmt, go mod tidy, vet, staticcheck, templ/sqlc output up to date
	@bash scripts/check.sh

generate: ## Regenerate templ and sqlc code
	$(GO) tool templ generate
	$(GO) tool sqlc generate

bench: ## Run benchmarks (BENCH=regexp, PKGS=..., BENCHFLAGS=...)
	@$(TEST_DB); \
	echo "$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCHFLAGS) $(PKGS)"; \
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCHFLAGS) $(PKGS)

bench-http: ## Load-test the pages against a reference handler on the scale data (docs/performance.md)
	@$(TEST_DB); \
	echo "$(GO) test -run '^$$' -bench '^BenchmarkHTTP$$' -benchtime 1x -timeout 60m ./internal/httpbench/"; \
	$(GO) test -run '^$$' -bench '^BenchmarkHTTP$$' -benchtime 1x -timeout 60m ./internal/httpbench/

screens: ## Regenerate docs/screens/ (clause form, agreement list at 1280 and 390 px) from the demo data
	@$(TEST_DB); \
	mkdir -p docs/screens; \
	DEALGATE_SCREENS="$(abspath docs/screens)" E2E=1 $(GO) test -count=1 -run '^TestRegisterListsFitAndStack$$' ./internal/browsertest/

# Not `templ fmt`: it drops the leading space of visually hidden link text
# ("Edit<span …> clause 3</span>" would be read as "Editclause 3") and splits
# "} else if" in two.
fmt: ## One import per line, then gofmt, on every Go file
	@find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name node_modules \) -prune \
		-o -type f -name '*.go' -print0 | xargs -0 -r scripts/split-imports.sh
	@find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name node_modules \) -prune \
		-o -type f -name '*.go' -print0 | xargs -0 -r $(GOFMT) -l -w

db: ## Ensure Postgres is up and print the URL of database $(DB_NAME)
	@bash scripts/db.sh $(DB_NAME)

clean: ## Remove bin/
	rm -rf bin

clean-data: ## Stop the private Postgres cluster and delete .data/ (all local data!)
	@bash scripts/db.sh --stop
	rm -rf .data
