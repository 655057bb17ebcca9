#!/usr/bin/env bash
# scripts/chromium.sh
#
# Makes sure a Chromium for the browser tests is installed. When none is found
# and we run as root, installs Debian's `chromium` package (/usr/bin/chromium).
# Otherwise prints a one-line hint and exits 0: the browser tests then skip,
# unless E2E=1, which makes a missing browser fail the test suite.
# Prints the browser's path on stdout when one is found.
set -euo pipefail

find_chromium() {
	local c p
	if [ -n "${DEALGATE_CHROMIUM:-}" ] && [ -x "$DEALGATE_CHROMIUM" ]; then
		printf '%s\n' "$DEALGATE_CHROMIUM"
		return 0
	fi
	if [ -x /usr/bin/chromium ]; then
		printf '/usr/bin/chromium\n'
		return 0
	fi
	for c in chromium chromium-browser google-chrome google-chrome-stable; do
		# bash's command -v may name a non-executable file: check with -x.
		if p="$(command -v "$c" 2>/dev/null)" && [ -x "$p" ]; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	return 1
}

hint() {
	printf 'chromium.sh: no Chromium found; browser tests will be skipped (E2E=1 makes them fail). Install it with: apt-get install chromium%s\n' "$*" >&2
}

if find_chromium; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	hint
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
printf 'chromium.sh: installing Debian package chromium (one-time)\n' >&2
if apt-get update -qq >"$out" 2>&1 && apt-get install -y -qq chromium >>"$out" 2>&1; then
	if find_chromium; then
		exit 0
	fi
	hint " (still missing after apt-get install chromium)"
	exit 0
fi
cat "$out" >&2
hint " (apt-get install failed, see above)"
exit 0
