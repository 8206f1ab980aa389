#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster beside it (scripts/pg-test-cluster.sh),
# SOTAY_TEST_POSTGRES_URL set and SOTAY_TEST_POSTGRES_REQUIRED=1 (the PostgreSQL tests then fail,
# never skip, if the cluster is not there). The cluster is stopped and removed however the
# command ends.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
state=$(mktemp "${TMPDIR:-/tmp}/sotay-pg-state.XXXXXX")
trap '"$here/pg-test-cluster.sh" stop "$state"' EXIT
started=$(date +%s%N)
url=$("$here/pg-test-cluster.sh" start "$state")
echo "PostgreSQL test cluster at $url (started in $(( ($(date +%s%N) - started) / 1000000 )) ms)"
export SOTAY_TEST_POSTGRES_URL="$url"
export SOTAY_TEST_POSTGRES_REQUIRED=1
"$@"
