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

# The NLP models in models/ are built from ../shared/data by the project's own
# trainer; the result is byte-identical for the same data (see docs/NLP.md).
models: configure
	@cmake --build $(BUILD_DIR) --target korpus-train -j$(JOBS)
	$(BUILD_DIR)/tools/train/korpus-train --gsd_train=../shared/data/ud-german-gsd/de_gsd-ud-dev.conllu \
	  --npm_dir=third_party/npm --out_dir=models

# CoNLL 2018 metrics on the held-out GSD test set; also writes $(BUILD_DIR)/eval/nlp.json.
eval: configure
	@cmake --build $(BUILD_DIR) --target korpus-eval-nlp -j$(JOBS)
	@mkdir -p $(BUILD_DIR)/eval
	$(BUILD_DIR)/tools/train/korpus-eval-nlp --gold=../shared/data/ud-german-gsd/de_gsd-ud-test.conllu \
	  --models=models --json_out=$(BUILD_DIR)/eval/nlp.json

clean:
	rm -rf $(BUILD_DIR)
