#!/usr/bin/env bash
# Starts the four korpus services as separate processes on 127.0.0.1 with
# their default ports, ingests seeds/ through the gateway, prints a summary
# and serves until Ctrl-C (or SIGTERM), then stops all four cleanly.
#
#   scripts/run.sh [BUILD_DIR]        (make run calls it after building)
#
# Data and logs go to $KORPUS_RUN_DIR (default BUILD_DIR/run): korpus.db
# (SQLite) and one JSON log per service.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
RUN_DIR=${KORPUS_RUN_DIR:-$BUILD_DIR/run}
mkdir -p "$RUN_DIR"

GATEWAY=${KORPUS_GATEWAY_ADDRESS:-127.0.0.1:50051}
INGEST=127.0.0.1:50052
ANNOTATOR=127.0.0.1:50053
STORAGE=127.0.0.1:50054

pids=()
stop_all() {
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    echo "Stopping korpus (SIGTERM to ${#pids[@]} services)..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "Stopped."
  fi
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# start NAME BINARY ADDRESS ARGS...: starts a service and waits until it
# serves (its port file appears once its health check reports SERVING).
start() {
  local name=$1 binary=$2 address=$3; shift 3
  local port_file="$RUN_DIR/$name.port"
  # Prometheus metrics (GET /metrics) on 127.0.0.1:909N beside gRPC port 5005N.
  local metrics="127.0.0.1:$((9040 + ${address##*:} % 100))"
  rm -f "$port_file"
  "$BUILD_DIR/$binary" --listen="$address" --port_file="$port_file" --metrics_listen="$metrics" "$@" \
    >>"$RUN_DIR/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    [ -s "$port_file" ] && { printf '  %-10s %s  metrics %s  (log: %s)\n' "$name" "$address" "$metrics" "$RUN_DIR/$name.log"; return 0; }
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "korpus: $name failed to start; the end of $RUN_DIR/$name.log says:" >&2
      tail -n 5 "$RUN_DIR/$name.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "korpus: $name did not start within 60 s (see $RUN_DIR/$name.log)" >&2
  exit 1
}

echo "Starting korpus on 127.0.0.1:"
start storage   services/storage/korpus-storage     "$STORAGE"   --store="sqlite:$RUN_DIR/korpus.db" --model_dir=models
start ingest    services/ingest/korpus-ingest       "$INGEST"
start annotator services/annotator/korpus-annotator "$ANNOTATOR" --model_dir=models
start gateway   services/gateway/korpus-gateway     "$GATEWAY" \
  --ingest_address="$INGEST" --annotator_address="$ANNOTATOR" --storage_address="$STORAGE"

echo
echo "Ingesting seeds/:"
"$BUILD_DIR/tools/korpusctl/korpusctl" --gateway="$GATEWAY" ingest seeds/ || true
echo
"$BUILD_DIR/tools/korpusctl/korpusctl" --gateway="$GATEWAY" stats || true
echo
echo "Most mentioned entities:"
"$BUILD_DIR/tools/korpusctl/korpusctl" --gateway="$GATEWAY" entities --page_size=12 || true
echo
echo "Quotes with their speakers (korpusctl quotes; --speaker=ID, --text=WORDS filter):"
"$BUILD_DIR/tools/korpusctl/korpusctl" --gateway="$GATEWAY" quotes --page_size=12 || true
echo
echo "Stories (articles reporting the same event):"
"$BUILD_DIR/tools/korpusctl/korpusctl" --gateway="$GATEWAY" stories || true
echo
echo "korpus is serving: gateway (korpus.v1.CorpusService) on $GATEWAY. Try:"
echo "  $BUILD_DIR/tools/korpusctl/korpusctl search Exportkontrollen"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
echo "korpus: a service exited unexpectedly; see the logs in $RUN_DIR" >&2
exit 1
