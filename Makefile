# Sổ Tay — the two commands of the quick start, and the ones behind them.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)

.PHONY: run test test-deps build hub deps release bench clean

## make run: install what is missing, build, and open the home menu on the bundled content.
run: build
	.build/debug/sotay

## make test: install what is missing, build, and run every test (scripts/run-tests.sh says in
## what order and why: the main pass with the tests that wait on a deadline beside it, then the
## hub killed mid-upload and a smoke run of the benchmark suite, then the property tests).
test: deps test-deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/run-tests.sh

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

## make release: optimised binaries at .build/release/sotay (to copy to other laptops) and sotay-hub,
## each with the Swift runtime and Foundation inside: no Swift needed where they are copied, and
## no Swift library to load and link at each start.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product sotay
	$(SWIFT) build -c release --static-swift-stdlib --product sotay-hub

## make bench: the benchmark suite (release build); writes bench/results.json and bench/RESULTS.md.
## The suite and the two binaries it runs, linked as `make release` links them (product by product:
## a whole-package build would link GRDB's dynamic library too, which cannot take the static runtime).
## The PostgreSQL figures run on a throwaway cluster with fsync on, stopped and removed after.
bench: deps
	$(SWIFT) build -c release --static-swift-stdlib --product sotay
	$(SWIFT) build -c release --static-swift-stdlib --product sotay-hub
	$(SWIFT) build -c release --static-swift-stdlib --product sotay-bench
	SOTAY_PG_DURABLE=1 scripts/with-pg-test-cluster.sh .build/release/sotay-bench bench

clean:
	rm -rf .build
