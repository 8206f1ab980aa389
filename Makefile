# Sổ Tay — the two commands of the quick start, and the ones behind them.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)

.PHONY: run test test-deps build hub deps release bench clean

## make run: install what is missing, build, and open the home menu on the bundled content.
run: build
	.build/debug/sotay

## make test: install what is missing, build, and run every test.
## The property tests run on their own, after the rest: they keep both cores busy for a while,
## and beside them the end-to-end tests that time a real upload (a hub stopped mid-upload) could
## not keep up with the link they measure. Between the two, a smoke run of the benchmark suite
## (every figure on tiny data, on the debug binaries the build above made), so `make bench`
## cannot break unnoticed.
## The tests that wait on async I/O against a wall-clock deadline (a PostgreSQL store opening
## within 15 s, chromedriver answering within 20 s, a hub killed while an upload is half done)
## run in a second pass of their own. In the first pass, dozens of tests run the built binaries
## and wait for them with blocking calls; on 2 cores those hold both of Swift's cooperative
## threads for long stretches, and a test awaiting a database answer was not scheduled before
## its deadline (seen as `.cannotOpen` on PostgreSQL and "chromedriver did not start").
WAITING_TESTS = SoTayHubConformanceTests PostgresSyncEndToEndTests PostgresOfficerEndToEndTests ConsoleBrowserTests hubRestartMidUpload

test: deps test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip SoTayPropertyTests $(patsubst %,--skip %,$(WAITING_TESTS))
	@# The tests that wait on async I/O against a deadline, one at a time, with a throwaway
	@# PostgreSQL cluster (temp folder, loopback port) beside them, stopped and removed when they
	@# end, pass or fail.
	scripts/with-pg-test-cluster.sh $(SWIFT) test --skip-build --no-parallel $(patsubst %,--filter %,$(WAITING_TESTS))
	@scripts/with-pg-test-cluster.sh .build/debug/sotay-bench --smoke || { echo "make test: the smoke run of the benchmark suite failed (the ✗ line above names the figure); rerun it with .build/debug/sotay-bench --smoke"; exit 1; }
	$(SWIFT) test --skip-build --filter SoTayPropertyTests

build: deps
	$(SWIFT) build --product sotay

deps:
	@scripts/install-deps.sh

## make test-deps: the Python packages of the interop tests (tuspy, aiohttp-tus…) in .venv-test/.
test-deps: deps
	@scripts/install-test-deps.sh

## make hub: the commune hub, .build/debug/sotay-hub.
hub: deps
	$(SWIFT) build --product sotay-hub

## make release: optimised binaries at .build/release/sotay (to copy to other laptops) and sotay-hub.
release: deps
	$(SWIFT) build -c release --product sotay
	$(SWIFT) build -c release --product sotay-hub

## make bench: the benchmark suite (release build); writes bench/results.json and bench/RESULTS.md.
## One release build of the whole package: the suite runs sotay and sotay-hub beside it.
## The PostgreSQL figures run on a throwaway cluster with fsync on, stopped and removed after.
bench: deps
	$(SWIFT) build -c release
	SOTAY_PG_DURABLE=1 scripts/with-pg-test-cluster.sh .build/release/sotay-bench bench

clean:
	rm -rf .build
