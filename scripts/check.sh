#!/usr/bin/env bash
# scripts/check.sh: static checks for `make check` and CI.
#
# Runs every step, then fails listing the steps that failed:
#   gofmt        gofmt -l finds no file (all .go files but .git/, .data/, bin/)
#   imports      hand-written Go files declare one import per line, never an
#                import ( … ) group (see docs/contributing.md)
#   go mod tidy  go mod tidy -diff shows no diff
#   go vet       go vet ./...
#   staticcheck  go tool staticcheck ./...
#   templ        go tool templ generate would change or add no *_templ.go file
#                (run in a scratch copy of the tree: the checkout is not touched)
#   sqlc         go tool sqlc diff: generated code matches sqlc.yaml + queries
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
GO="${GO:-go}"

failed=()
step() { printf '==> %s\n' "$*" >&2; }
fail() {
	printf 'check: FAILED: %s\n' "$1" >&2
	failed+=("$1")
}

# Go source files, tracked or not, outside .git/, .data/, bin/ and node_modules/.
go_files() {
	find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name node_modules \) -prune \
		-o -type f -name '*.go' -print0
}

# --- gofmt ---------------------------------------------------------------------
step "gofmt -l"
if ! unformatted="$(go_files | xargs -0 -r gofmt -l 2>&1)"; then
	printf '%s\n' "$unformatted" >&2
	fail "gofmt (gofmt reported errors)"
elif [ -n "$unformatted" ]; then
	printf '%s\n' "$unformatted" | sed 's/^/  needs gofmt: /' >&2
	fail "gofmt (run: make fmt)"
fi

# --- one import per line ------------------------------------------------------------
# `duplicates` passes over import lines but reads the lines of an import ( … )
# group as code, so shared import lists would hide the real repeats among them.
step "imports"
grouped=()
while IFS= read -r -d '' f; do
	if grep -q '^import ($' "$f" && ! grep -q '^// Code generated .* DO NOT EDIT\.$' "$f"; then
		grouped+=("$f")
	fi
done < <(go_files)
if [ "${#grouped[@]}" -gt 0 ]; then
	printf '  grouped imports: %s\n' "${grouped[@]}" >&2
	fail "imports (write one import declaration per line: import \"fmt\")"
fi

# --- go mod tidy -----------------------------------------------------------------
step "go mod tidy -diff"
if ! "$GO" mod tidy -diff >&2; then
	fail "go mod tidy (run: go mod tidy)"
fi

# --- go vet ----------------------------------------------------------------------
step "go vet ./..."
if ! "$GO" vet ./...; then
	fail "go vet"
fi

# --- staticcheck -------------------------------------------------------------------
step "go tool staticcheck ./..."
if ! "$GO" tool staticcheck ./...; then
	fail "staticcheck"
fi

# --- templ generate is up to date ------------------------------------------------
step "go tool templ generate (up to date?)"
templ_sums() { # DIR: checksums of every *_templ.go under DIR, relative paths
	(cd "$1" && find . \( -path ./.git -o -path ./.data -o -path ./bin -o -name node_modules \) -prune \
		-o -type f -name '*_templ.go' -print0 | sort -z | xargs -0 -r sha256sum)
}
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
if ! tar -C "$ROOT" --exclude=./.git --exclude=./.data --exclude=./bin -cf - . | tar -C "$scratch" -xf -; then
	fail "templ (could not copy the tree to $scratch)"
elif ! out="$(cd "$scratch" && "$GO" tool templ generate 2>&1)"; then
	printf '%s\n' "$out" >&2
	fail "templ (go tool templ generate failed)"
else
	if ! stale="$(diff <(templ_sums "$ROOT") <(templ_sums "$scratch"))"; then
		printf '%s\n' "$stale" | sed -n 's/^[<>] [0-9a-f]*  \.\//  differs: /p' | sort -u >&2
		fail "templ (generated *_templ.go files are stale or missing; run: make generate)"
	fi
fi

# --- sqlc generate is up to date ----------------------------------------------------
step "go tool sqlc diff"
if [ -f sqlc.yaml ] || [ -f sqlc.yml ] || [ -f sqlc.json ]; then
	if ! "$GO" tool sqlc diff >&2; then
		fail "sqlc (generated code is stale, or sqlc failed; run: make generate)"
	fi
else
	printf '  no sqlc config, skipped\n' >&2
fi

if [ "${#failed[@]}" -gt 0 ]; then
	printf '\ncheck: %d step(s) failed:\n' "${#failed[@]}" >&2
	printf '  - %s\n' "${failed[@]}" >&2
	exit 1
fi
printf 'check: all checks passed\n' >&2
