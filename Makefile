# korpus: the two commands are `make run` and `make test` (see README.md).
# Every target installs what is missing first (scripts/setup.sh), so both
# work on a fresh Debian 12 machine.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all setup configure build run test test-unit models eval bench clean help

all: build

help:
	@echo "make run     install, build, start the four services on 127.0.0.1, ingest seeds/, serve until Ctrl-C"
	@echo "make test    install, build and run the whole test suite (ctest)"
	@echo "make build   install and build ($(BUILD_TYPE)) into $(BUILD_DIR)/"
	@echo "make models  retrain the NLP models in models/ from ../shared/data"
	@echo "make eval    evaluate the NLP models on the held-out test sets"
	@echo "make clean   remove $(BUILD_DIR)/"

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@bash scripts/run.sh $(BUILD_DIR)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

clean:
	rm -rf $(BUILD_DIR)
