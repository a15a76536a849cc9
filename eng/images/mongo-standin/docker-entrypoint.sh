#!/usr/bin/env bash
# Entrypoint of localhost/tunesculptor/mongo-standin. `mongod` (the default command) starts the stand-in on 27017
# with its data in /data/db, as the official image's mongod does. The server runs as `mongodb`, never as root.
set -euo pipefail

if [ "$1" != mongod ]; then
  exec "$@"
fi

# The official image creates a root user from these; the stand-in has no authentication at all, and clients given
# credentials would fail at SCRAM. Refuse them instead of running an open server someone believes is protected.
if [ -n "${MONGO_INITDB_ROOT_USERNAME:-}${MONGO_INITDB_ROOT_PASSWORD:-}" ]; then
  echo "[entrypoint] error: this MongoDB stand-in has no authentication: unset MONGO_INITDB_ROOT_USERNAME and" \
    "MONGO_INITDB_ROOT_PASSWORD and connect without credentials" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  # A fresh volume mounted over the data folder belongs to root: hand it to the server's user, then drop root.
  find /data/db \! -user mongodb -exec chown mongodb:mongodb '{}' +
  exec setpriv --reuid=mongodb --regid=mongodb --init-groups "${BASH_SOURCE[0]}" "$@"
fi

exec node /opt/mongo-standin/server.mjs --host 0.0.0.0 --port 27017 --data-dir /data/db
