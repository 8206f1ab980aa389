#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: a temp folder, a free loopback port, no
# password (trust, loopback only), fsync off. Never a cluster anyone keeps.
# SOTAY_PG_DURABLE=1 keeps fsync and synchronous commit on, as a province runs its database:
# the benchmarks (`make bench`) measure with it.
#
#   scripts/pg-test-cluster.sh start STATE   makes and starts one; writes STATE (a small env file
#                                            with SOTAY_TEST_POSTGRES_URL and the folder) and
#                                            prints the URL
#   scripts/pg-test-cluster.sh stop STATE    stops it and removes its folder
#
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` system user
# (made by the postgresql-15 package) through runuser; otherwise as the caller.
set -euo pipefail

command=${1:-}
state=${2:-}
if [ -z "$command" ] || [ -z "$state" ]; then
    echo "usage: $0 start|stop STATE_FILE" >&2
    exit 2
fi

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$command" in
start)
    if [ ! -x "$bin/initdb" ]; then
        echo "PostgreSQL 15 is missing ($bin/initdb): run scripts/install-deps.sh (installs postgresql-15)" >&2
        exit 1
    fi
    folder=$(mktemp -d "${TMPDIR:-/tmp}/sotay-pg-test.XXXXXX")
    chmod 700 "$folder"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$folder"; fi
    # A port nobody listens on now (the kernel's pick, then released).
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/initdb" -D "$folder/data" -U sotay -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$folder/initdb.log" 2>&1 || {
        cat "$folder/initdb.log" >&2; rm -rf "$folder"; exit 1; }
    durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if [ "${SOTAY_PG_DURABLE:-0}" = 1 ]; then durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"; fi
    as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $folder $durability -c max_connections=200" \
        start >/dev/null || { cat "$folder/server.log" >&2; rm -rf "$folder"; exit 1; }
    url="postgres://sotay@127.0.0.1:$port/postgres?sslmode=disable"
    {
        echo "SOTAY_TEST_POSTGRES_URL=$url"
        echo "SOTAY_TEST_POSTGRES_FOLDER=$folder"
    } >"$state"
    echo "$url"
    ;;
stop)
    [ -f "$state" ] || exit 0
    folder=$(sed -n 's/^SOTAY_TEST_POSTGRES_FOLDER=//p' "$state")
    if [ -n "$folder" ] && [ -d "$folder/data" ]; then
        as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$folder" in
        */sotay-pg-test.*) rm -rf "$folder" ;;
    esac
    rm -f "$state"
    ;;
*)
    echo "usage: $0 start|stop STATE_FILE" >&2
    exit 2
    ;;
esac
