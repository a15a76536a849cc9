#!/usr/bin/env bash
# Runs a private MongoDB-compatible server for the `mongodb` resource when no container runtime is available:
# a real `mongod` when one is on PATH, otherwise the CongoDB-based stand-in in tools/mongo-standin.
# Inputs (environment, set by the AppHost): DATA_DIR, MONGODB_PORT, MONGO_STANDIN_DIR.
set -euo pipefail
: "${DATA_DIR:?}" "${MONGODB_PORT:?}" "${MONGO_STANDIN_DIR:?}"

mkdir -p "$DATA_DIR/db"
chmod 700 "$DATA_DIR"

if command -v mongod > /dev/null; then
  echo "Using $(command -v mongod)"
  exec mongod --port "$MONGODB_PORT" --bind_ip 127.0.0.1 --dbpath "$DATA_DIR/db"
fi

if [ ! -d "$MONGO_STANDIN_DIR/node_modules" ]; then
  echo "No mongod on PATH and the stand-in is not installed: run 'npm ci' in $MONGO_STANDIN_DIR (eng/bootstrap.sh does)." >&2
  exit 1
fi
echo "No mongod on PATH: using the MongoDB stand-in (see $MONGO_STANDIN_DIR/README.md for its limits)"
exec node "$MONGO_STANDIN_DIR/server.mjs" --port "$MONGODB_PORT" --host 127.0.0.1 --data-dir "$DATA_DIR/db"
