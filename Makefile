# korpus: the two commands are `make run` and `make test` (see README.md).
# Every target installs what is missing first (scripts/setup.sh), so both
# work on a fresh Debian 12 machine.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CMAKE_FLAGS ?=

.PHONY: all setup configure build run test test-unit test-deploy test-sanitize fuzz fuzz-smoke models eval bench soak clean help

all: build

help:
	@echo "make run     install, build, start the four services on 127.0.0.1, ingest seeds/, serve until Ctrl-C"
	@echo "make test    install, build and run the whole test suite (ctest)"
	@echo "make build   install and build ($(BUILD_TYPE)) into $(BUILD_DIR)/"
	@echo "make test-deploy  only the checks of deploy/ (docs/DEPLOY.md)"
	@echo "make fuzz    run every libFuzzer target for FUZZ_SECONDS (300) each"
	@echo "make test-sanitize  the whole suite under ASan and UBSan (build-sanitize/)"
	@echo "make models  retrain the NLP models in models/ from ../shared/data"
	@echo "make eval    evaluate the NLP models on the held-out test sets"
	@echo "make bench   benchmarks against their baselines: one table, $(BUILD_DIR)/bench/results.json"
	@echo "make soak    SOAK_DURATION (10m) of mixed ingest and search with annotator kills; checks nothing is lost"
	@echo "make clean   remove $(BUILD_DIR)/"

setup:
	@bash scripts/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

run: build
	@bash scripts/run.sh $(BUILD_DIR)

# The suite: a short deterministic run of every fuzzer, then ctest (unit,
# service, e2e and the other labels).
test: build fuzz-smoke
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

fuzz-smoke: setup
	@bash scripts/fuzz.sh smoke

# Each fuzzer for FUZZ_SECONDS (default 300) with a growing corpus in build-fuzz/.
FUZZ_SECONDS ?= 300
fuzz: setup
	@bash scripts/fuzz.sh long $(FUZZ_SECONDS)

# The whole suite built with ASan and UBSan, in build-sanitize/.
test-sanitize: setup
	@cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKORPUS_SANITIZE=ON >/dev/null
	@cmake --build build-sanitize -j$(JOBS)
	@cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS) --timeout 900

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L unit

# The Kubernetes manifests and the Dockerfile, checked offline (docs/DEPLOY.md).
test-deploy: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) -L deploy

# The NLP models in models/ are built from ../shared/data by the project's own
# trainer; the result is byte-identical for the same data (see docs/NLP.md).
models: configure
	@cmake --build $(BUILD_DIR) --target korpus-train -j$(JOBS)
	$(BUILD_DIR)/tools/train/korpus-train --gsd_train=../shared/data/ud-german-gsd/de_gsd-ud-dev.conllu \
	  --npm_dir=third_party/npm --out_dir=models
	@# NER uses the lexicon and the tagger's POS, so it is trained after them.
	@cmake --build $(BUILD_DIR) --target korpus-train-ner -j$(JOBS)
	@mkdir -p $(BUILD_DIR)/ner
	/usr/bin/python3 tools/train/ner_export_faker.py > $(BUILD_DIR)/ner/faker_names.tsv
	$(BUILD_DIR)/tools/train/korpus-train-ner --train=../shared/data/germeval2014/NER-de-dev.tsv \
	  --models=models --name_lists=$(BUILD_DIR)/ner/faker_names.tsv --out=models/de_ner.bin
	@cmake --build $(BUILD_DIR) --target korpus-train-sentiment -j$(JOBS)
	$(BUILD_DIR)/tools/train/korpus-train-sentiment \
	  --germanlex=../shared/data/sentiment-zurich/germanlex.csv --out=models/de_sentiment.bin

# CoNLL 2018 metrics on the held-out GSD test set and GermEval 2014 NER
# metrics on its test set; also writes $(BUILD_DIR)/eval/{nlp,ner}.json.
eval: configure
	@cmake --build $(BUILD_DIR) --target korpus-eval-nlp -j$(JOBS)
	@mkdir -p $(BUILD_DIR)/eval
	$(BUILD_DIR)/tools/train/korpus-eval-nlp --gold=../shared/data/ud-german-gsd/de_gsd-ud-test.conllu \
	  --models=models --json_out=$(BUILD_DIR)/eval/nlp.json
	@cmake --build $(BUILD_DIR) --target korpus-eval-ner -j$(JOBS)
	$(BUILD_DIR)/tools/train/korpus-eval-ner --gold=../shared/data/germeval2014/NER-de-test.tsv \
	  --models=models --json_out=$(BUILD_DIR)/eval/ner.json

# Benchmarks (docs/BENCHMARKS.md): NLP stages on one core against ICU, end
# to end with one and two annotators, serving against an echo ceiling,
# memory, growth. Prints one table and writes $(BUILD_DIR)/bench/results.json;
# about 10 minutes on two cores. Not part of `make test` (which runs a tiny
# smoke run of each, label bench-smoke).
bench: build
	@bash bench/run.sh $(BUILD_DIR)

# The soak (docs/RELIABILITY.md): SOAK_DURATION of ingest and search at a
# fixed rate through the real services, the annotator killed and restarted
# every minute; fails if an acknowledged article is lost or stored twice,
# if any error occurs outside the injected faults, or if memory grows.
# SOAK_FLAGS adds flags to korpus-soak (--store=postgresql://... etc.).
SOAK_DURATION ?= 10m
soak: build
	@$(BUILD_DIR)/tests/soak/korpus-soak --duration=$(SOAK_DURATION) --kill_annotator_every=60s \
	  --json_out=$(BUILD_DIR)/soak.json $(SOAK_FLAGS)

clean:
	rm -rf $(BUILD_DIR)
