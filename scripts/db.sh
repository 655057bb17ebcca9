#!/usr/bin/env bash
# scripts/db.sh [DBNAME]
# scripts/db.sh --stop     stop the private cluster of (d), if running
# scripts/db.sh --private DIR [start|stop]
#                          a throwaway cluster in DIR/pg on $DEALGATE_PG_PORT, for
#                          tests that stop and restart Postgres (the fault tests):
#                          start makes it if missing, starts it and prints its URL
#                          (database postgres); stop shuts it down (fast mode).
#                          Steps (a) to (c) are skipped, so no shared server is touched.
#
# Makes sure a PostgreSQL server is reachable and prints a connection URL for
# database DBNAME (default: postgres) on stdout, creating DBNAME if missing.
# Everything else goes to stderr. Idempotent and quiet on success.
#
# Where the server comes from, first match wins:
#   a) DATABASE_URL is set: printed unchanged, nothing is created.
#   b) a server answers on 127.0.0.1:5432 as user postgres (trust auth).
#   c) a working Docker engine: `docker compose up -d db`, wait until healthy.
#   d) a private cluster in .data/pg made with the system's PostgreSQL binaries
#      (installed with apt when missing and running as root), listening on
#      127.0.0.1:54329, logging to .data/pg.log. Stop it with
#      `scripts/db.sh --stop`. As root, the cluster runs as user postgres
#      (or a created system user dealgate), since initdb refuses root; if that
#      user cannot reach .data (checkout under /root, say), it lives in
#      /var/tmp/dealgate-pg-<checksum of the checkout path> instead.
#
# Knobs (environment):
#   DEALGATE_PG_PROBE_HOST  host probed in (b)              [127.0.0.1]
#   DEALGATE_PG_PROBE_PORT  port probed in (b)              [5432]
#   DEALGATE_PG_PORT        port of the private cluster (d) [54329]
#   DEALGATE_NO_DOCKER=1    skip (c)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DBNAME="${1:-postgres}"
PROBE_HOST="${DEALGATE_PG_PROBE_HOST:-127.0.0.1}"
PROBE_PORT="${DEALGATE_PG_PROBE_PORT:-5432}"
PRIV_PORT="${DEALGATE_PG_PORT:-54329}"
DATA_DIR="$ROOT/.data"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-3}"
export DEBIAN_FRONTEND=noninteractive

log() { printf 'db.sh: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }

# Where the private cluster lives when the unprivileged user cannot reach .data.
fallback_base() { printf '/var/tmp/dealgate-pg-%s\n' "$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"; }

APT_UPDATED=0
apt_install() {
	local out
	out="$(mktemp)"
	log "installing $* with apt-get (one-time)"
	if [ "$APT_UPDATED" -eq 0 ]; then
		if ! apt-get update -qq >"$out" 2>&1; then
			cat "$out" >&2
			rm -f "$out"
			return 1
		fi
		APT_UPDATED=1
	fi
	if ! apt-get install -y -qq --no-install-recommends "$@" >"$out" 2>&1; then
		cat "$out" >&2
		rm -f "$out"
		return 1
	fi
	rm -f "$out"
}

# Directory holding the newest server binaries (initdb, pg_ctl, postgres), or
# the one matching an existing cluster's PG_VERSION when given.
find_server_bindir() {
	local want="${1:-}" d
	if [ -n "$want" ] && [ -x "/usr/lib/postgresql/$want/bin/initdb" ]; then
		printf '%s\n' "/usr/lib/postgresql/$want/bin"
		return 0
	fi
	d="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1 || true)"
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		printf '%s\n' "$d"
		return 0
	fi
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

# psql: from PATH, else from the server binaries, else installed with apt.
PSQL=""
find_psql() {
	local d p
	if p="$(command -v psql 2>/dev/null)" && [ -x "$p" ]; then
		PSQL="$p"
		return 0
	fi
	if d="$(find_server_bindir)" && [ -x "$d/psql" ]; then
		PSQL="$d/psql"
		return 0
	fi
	return 1
}
ensure_psql() {
	find_psql && return 0
	if is_root; then
		apt_install postgresql-client || die "could not install postgresql-client"
		find_psql && return 0
	fi
	die "psql not found: install the PostgreSQL client (Debian: apt-get install postgresql-client), or set DATABASE_URL"
}

# can_connect HOST PORT: true if user postgres can log in without a password.
can_connect() {
	"$PSQL" -X -w -q -A -t -h "$1" -p "$2" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1
}

url_for() { # HOST PORT DB
	printf 'postgres://postgres@%s:%s/%s?sslmode=disable\n' "$1" "$2" "$3"
}

# ensure_db HOST PORT: create $DBNAME on that server unless it exists.
ensure_db() {
	local host="$1" port="$2" exists err
	[ "$DBNAME" = postgres ] && return 0
	exists="$("$PSQL" -X -w -q -A -t -h "$host" -p "$port" -U postgres -d postgres \
		-c "select 1 from pg_database where datname = '$DBNAME'")" ||
		die "cannot query databases on $host:$port"
	[ "$exists" = 1 ] && return 0
	if ! err="$("$PSQL" -X -w -q -h "$host" -p "$port" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c "create database \"$DBNAME\"" 2>&1)"; then
		# Lost a race with a concurrent run? Then it exists now.
		exists="$("$PSQL" -X -w -q -A -t -h "$host" -p "$port" -U postgres -d postgres \
			-c "select 1 from pg_database where datname = '$DBNAME'" 2>/dev/null || true)"
		[ "$exists" = 1 ] || die "create database $DBNAME failed: $err"
	fi
}

use_server() { # HOST PORT
	ensure_db "$1" "$2"
	url_for "$1" "$2" "$DBNAME"
	exit 0
}

# --- --stop: stop the private cluster -----------------------------------------
if [ "$DBNAME" = --stop ]; then
	for base in "$DATA_DIR" "$(fallback_base)"; do
		pgdir="$base/pg"
		if [ ! -f "$pgdir/PG_VERSION" ] || [ ! -f "$pgdir/postmaster.pid" ]; then
			continue
		fi
		bindir="$(find_server_bindir "$(cat "$pgdir/PG_VERSION")")" || die "pg_ctl not found"
		owner="$(stat -c %U "$pgdir")"
		if is_root && [ "$owner" != root ]; then
			(cd / && runuser -u "$owner" -- "$bindir/pg_ctl" -D "$pgdir" -m fast -w stop) >&2 || true
		else
			"$bindir/pg_ctl" -D "$pgdir" -m fast -w stop >&2 || true
		fi
	done
	exit 0
fi

PRIVATE_DIR=""
if [ "$DBNAME" = --private ]; then
	PRIVATE_DIR="${2:-}"
	[ -n "$PRIVATE_DIR" ] || die "usage: db.sh --private DIR [start|stop]"
	PRIVATE_DIR="$(mkdir -p "$PRIVATE_DIR" && cd "$PRIVATE_DIR" && pwd)"
	DBNAME=postgres
	case "${3:-start}" in
	start) ;;
	stop)
		pgdir="$PRIVATE_DIR/pg"
		[ -f "$pgdir/postmaster.pid" ] || exit 0
		bindir="$(find_server_bindir "$(cat "$pgdir/PG_VERSION")")" || die "pg_ctl not found"
		owner="$(stat -c %U "$pgdir")"
		if is_root && [ "$owner" != root ]; then
			(cd / && runuser -u "$owner" -- "$bindir/pg_ctl" -D "$pgdir" -m fast -w stop) >/dev/null
		else
			"$bindir/pg_ctl" -D "$pgdir" -m fast -w stop >/dev/null
		fi
		exit 0
		;;
	*) die "usage: db.sh --private DIR [start|stop]" ;;
	esac
fi

if ! [[ "$DBNAME" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
	die "invalid database name '$DBNAME' (use letters, digits and _)"
fi

# --- (a) user-supplied URL ---------------------------------------------------
if [ -z "$PRIVATE_DIR" ] && [ -n "${DATABASE_URL:-}" ]; then
	printf '%s\n' "$DATABASE_URL"
	exit 0
fi

# --- (b) a server on 127.0.0.1:5432 ------------------------------------------
ensure_psql
if [ -z "$PRIVATE_DIR" ] && can_connect "$PROBE_HOST" "$PROBE_PORT"; then
	use_server "$PROBE_HOST" "$PROBE_PORT"
fi

# --- (c) Docker Compose --------------------------------------------------------
if [ -z "$PRIVATE_DIR" ] && [ "${DEALGATE_NO_DOCKER:-}" != 1 ] && command -v docker >/dev/null 2>&1 &&
	timeout 20 docker info >/dev/null 2>&1 &&
	docker compose version >/dev/null 2>&1; then
	compose=(docker compose --project-directory "$ROOT" -f "$ROOT/docker-compose.yml")
	log "starting Postgres with docker compose (service db)"
	"${compose[@]}" up -d db >&2 || die "docker compose up -d db failed"
	for _ in $(seq 1 90); do
		cid="$("${compose[@]}" ps -q db 2>/dev/null || true)"
		if [ -n "$cid" ] &&
			[ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$cid" 2>/dev/null)" = healthy ] &&
			can_connect 127.0.0.1 5432; then
			use_server 127.0.0.1 5432
		fi
		sleep 1
	done
	die "the compose db service did not become healthy; see: docker compose logs db"
fi

# --- (d) private cluster in .data/pg ------------------------------------------
# Another checkout's private cluster (or ours) may already be up on the port.
if [ -z "$PRIVATE_DIR" ] && can_connect 127.0.0.1 "$PRIV_PORT"; then
	use_server 127.0.0.1 "$PRIV_PORT"
fi

if ! BINDIR="$(find_server_bindir)"; then
	is_root || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL or set DATABASE_URL"
	apt_install postgresql || die "could not install postgresql"
	# Debian's package may create and start its own cluster on 5432.
	find_psql || true
	if [ -z "$PRIVATE_DIR" ] && can_connect "$PROBE_HOST" "$PROBE_PORT"; then
		use_server "$PROBE_HOST" "$PROBE_PORT"
	fi
	BINDIR="$(find_server_bindir)" || die "PostgreSQL server binaries still not found after install"
fi

# initdb and postgres refuse to run as root: run them as an unprivileged user,
# the owner of an existing cluster, else postgres, else a dealgate system user.
pick_runas() { # PGDIR
	local owner=""
	if [ -f "$1/PG_VERSION" ]; then
		owner="$(stat -c %U "$1")"
		if [ "$owner" != root ] && [ "$owner" != UNKNOWN ]; then
			printf '%s\n' "$owner"
			return 0
		fi
	fi
	if id -u postgres >/dev/null 2>&1; then
		printf 'postgres\n'
		return 0
	fi
	if ! id -u dealgate >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin dealgate >&2 ||
			die "could not create system user dealgate"
	fi
	printf 'dealgate\n'
}
RUNAS=""
as_user() {
	if [ -n "$RUNAS" ]; then
		# cd / so the user never needs access to the caller's cwd.
		(cd / && runuser -u "$RUNAS" -- "$@")
	else
		"$@"
	fi
}

PGBASE="$DATA_DIR"
if [ -n "$PRIVATE_DIR" ]; then
	PGBASE="$PRIVATE_DIR"
	chmod 755 "$PGBASE"
fi
mkdir -p "$PGBASE"
if is_root && [ -n "$PRIVATE_DIR" ]; then
	RUNAS="$(pick_runas "$PGBASE/pg")"
	as_user test -x "$PGBASE" || die "user $RUNAS cannot reach $PGBASE: put it under a directory everyone may enter, such as /tmp"
elif is_root; then
	RUNAS="$(pick_runas "$PGBASE/pg")"
	chmod a+x "$PGBASE"
	if ! as_user test -x "$PGBASE"; then
		# e.g. a checkout under /root (mode 0700): keep the cluster elsewhere.
		PGBASE="$(fallback_base)"
		log "user $RUNAS cannot reach $DATA_DIR; using $PGBASE instead"
		mkdir -p "$PGBASE"
		chmod 755 "$PGBASE"
		RUNAS="$(pick_runas "$PGBASE/pg")"
	fi
fi
PGDIR="$PGBASE/pg"
PGLOG="$PGBASE/pg.log"
SOCKDIR="$PGBASE/pg-socket"
# Unix socket paths are limited to ~107 bytes: fall back to /tmp when long.
if [ "${#SOCKDIR}" -gt 80 ]; then
	SOCKDIR="/tmp/dealgate-pgsock-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
fi
if [ -f "$PGDIR/PG_VERSION" ]; then
	# Prefer the binaries of the version that created the cluster.
	BINDIR="$(find_server_bindir "$(cat "$PGDIR/PG_VERSION")")"
fi

mkdir -p "$PGDIR" "$SOCKDIR"
touch "$PGLOG"
if [ -n "$RUNAS" ]; then
	chown -R "$RUNAS:" "$PGDIR"
	chown "$RUNAS:" "$SOCKDIR" "$PGLOG"
fi
chmod 700 "$PGDIR"

if [ ! -f "$PGDIR/PG_VERSION" ]; then
	log "creating a private PostgreSQL cluster in $PGDIR"
	if ! out="$(as_user "$BINDIR/initdb" -D "$PGDIR" --auth=trust -U postgres \
		-E UTF8 --locale=C 2>&1)"; then
		printf '%s\n' "$out" >&2
		die "initdb failed"
	fi
	cat >>"$PGDIR/postgresql.conf" <<'EOF'

# --- added by scripts/db.sh: a throwaway development/test cluster ---
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
include_if_exists = 'dealgate-local.conf'
EOF
fi
# Rewritten on every start, so a moved checkout or another port just works.
cat >"$PGDIR/dealgate-local.conf" <<EOF
# written by scripts/db.sh
listen_addresses = '127.0.0.1'
port = $PRIV_PORT
unix_socket_directories = '$SOCKDIR'
EOF
if [ -n "$RUNAS" ]; then chown "$RUNAS:" "$PGDIR/dealgate-local.conf"; fi

if ! as_user "$BINDIR/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
	log "starting the private PostgreSQL cluster on 127.0.0.1:$PRIV_PORT (log: $PGLOG)"
	if ! as_user "$BINDIR/pg_ctl" -D "$PGDIR" -l "$PGLOG" -w -t 60 \
		start >/dev/null 2>&1; then
		tail -n 20 "$PGLOG" >&2 || true
		die "pg_ctl start failed (log: $PGLOG)"
	fi
fi

for _ in $(seq 1 60); do
	if can_connect 127.0.0.1 "$PRIV_PORT"; then
		use_server 127.0.0.1 "$PRIV_PORT"
	fi
	sleep 1
done
tail -n 20 "$PGLOG" >&2 || true
die "the private cluster in $PGDIR is running but does not accept connections on 127.0.0.1:$PRIV_PORT"
