# Sổ Tay — the two commands of the quick start, and the ones behind them.
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)

.PHONY: run test build deps release clean

## make run: install what is missing, build, and open the home menu on the bundled content.
run: build
	.build/debug/sotay

## make test: install what is missing, build, and run every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build --product sotay

deps:
	@scripts/install-deps.sh

## make release: an optimised binary at .build/release/sotay, to copy to other laptops.
release: deps
	$(SWIFT) build -c release --product sotay

clean:
	rm -rf .build
