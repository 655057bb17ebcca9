#!/usr/bin/env bash
# scripts/split-imports.sh FILE...: rewrite each hand-written Go file's
# import ( … ) group as one import declaration per line (make fmt runs it;
# make check refuses groups). Generated files are left as generated.
set -euo pipefail
for f in "$@"; do
	grep -q '^import ($' "$f" || continue
	grep -q '^// Code generated .* DO NOT EDIT\.$' "$f" && continue
	tmp="$(mktemp)"
	awk '
		!grouped && $0 == "import (" { grouped = 1; next }
		grouped && $0 == ")" { grouped = 0; next }
		grouped {
			spec = $0; sub(/^[ \t]+/, "", spec)
			if (spec == "" || spec ~ /^\/\//) print spec; else print "import " spec
			next
		}
		{ print }
	' "$f" >"$tmp"
	cat "$tmp" >"$f"
	rm -f "$tmp"
done
