#!/usr/bin/env bash
# make test, after the build: every test, on 2 cores, in as little wall time as they allow.
#
#   1. The main pass (`swift test`, tests in parallel) and, beside it in a process of its own,
#      the tests that wait on async I/O against a wall-clock deadline (a PostgreSQL store
#      opening within 15 s, chromedriver answering within 20 s, a hub served inside the test
#      process answering the laptop within 20 s), one at a time, with a throwaway PostgreSQL
#      cluster. In the main pass's process, dozens of tests wait for the built
#      binaries with blocking calls that hold Swift's two cooperative threads, and a test
#      awaiting a database answer there was not scheduled before its deadline; in a process of
#      their own they have their own threads. The main pass prints as it goes; the other's
#      output is printed when it ends.
#   2. What must not share the cores: the hub killed mid-upload (it times a real upload through
#      a throttled link) and the hub under 1,500 stalled connections (it holds /v1/health to a
#      second: beside two other test processes it once took 1.03 s, and 1.026 s beside the
#      other test of this step, so they run one after the other), then a smoke run of the
#      benchmark suite (every figure on tiny data, on the debug binaries), so that `make bench`
#      cannot break unnoticed.
#   3. The property tests, alone: they keep both cores busy for a while.
#
# Exit status: 0 when everything passed; otherwise 1, after running everything, with the
# failed parts named at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
tests=.build/debug/SoTayPackageTests.xctest
waiting=(SoTayHubConformanceTests PostgresSyncEndToEndTests PostgresOfficerEndToEndTests PostgresConsoleEndToEndTests ConsoleBrowserTests hubWithoutBatches)
alone=(hubRestartMidUpload stalledConnections)

skips=(--skip SoTayPropertyTests)
filters=()
for name in "${waiting[@]}" "${alone[@]}"; do skips+=(--skip "$name"); done
for name in "${waiting[@]}"; do filters+=(--filter "$name"); done

seconds() { echo $(( ($(date +%s%N) - $1) / 1000000000 )); }
failed=()
log=$(mktemp "${TMPDIR:-/tmp}/sotay-waiting-tests.XXXXXX")
trap 'rm -f "$log"' EXIT

start=$(date +%s%N)
# The waiting tests run the test bundle directly: a second `swift test` would wait for the
# first one's lock on .build.
scripts/with-pg-test-cluster.sh "$tests" --testing-library swift-testing --no-parallel "${filters[@]}" >"$log" 2>&1 &
waiting_pid=$!
"$SWIFT" test --skip-build "${skips[@]}" || failed+=("the main pass")
main_seconds=$(seconds "$start")
wait "$waiting_pid" || failed+=("the tests that wait on a deadline (${waiting[*]})")
waiting_seconds=$(seconds "$start")
echo "──── the tests that wait on a deadline (${waiting[*]}), run beside the main pass:"
sed 's/^/  │ /' "$log"
echo "──── step 1: the main pass ${main_seconds} s; beside it, the tests that wait on a deadline, ended after ${waiting_seconds} s"

start=$(date +%s%N)
"$tests" --testing-library swift-testing --no-parallel "${alone[@]/#/--filter=}" || failed+=("${alone[*]}")
scripts/with-pg-test-cluster.sh .build/debug/sotay-bench --smoke \
    || failed+=("the smoke run of the benchmark suite (the ✗ line above names the figure; rerun it with .build/debug/sotay-bench --smoke)")
echo "──── step 2: ${alone[*]} and the smoke run of the benchmark suite, $(seconds "$start") s"

start=$(date +%s%N)
"$SWIFT" test --skip-build --filter SoTayPropertyTests || failed+=("the property tests")
echo "──── step 3: the property tests, $(seconds "$start") s"

if ((${#failed[@]})); then
    echo "make test: failed: ${failed[*]}" >&2
    exit 1
fi
echo "make test: every test passed"
