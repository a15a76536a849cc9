#!/usr/bin/env bash
# Runs a private RabbitMQ node (with the management plugin) for the `rabbitmq` resource when no container runtime
# is available. Inputs (environment, set by the AppHost): DATA_DIR, AMQP_PORT, MANAGEMENT_PORT, DIST_PORT, EPMD_PORT,
# RABBITMQ_USER, RABBITMQ_PASSWORD_HASH (rabbit_password_hashing_sha256, computed by the AppHost); optional:
# RABBITMQ_CONSUMER_TIMEOUT_MS (consumer_timeout), RABBITMQ_CHANNEL_TICK_MS (how often a channel checks it, default
# 60000: tests that wait for a short timeout shorten it).
set -euo pipefail
: "${DATA_DIR:?}" "${AMQP_PORT:?}" "${MANAGEMENT_PORT:?}" "${DIST_PORT:?}" "${EPMD_PORT:?}"
: "${RABBITMQ_USER:?}" "${RABBITMQ_PASSWORD_HASH:?}"

mkdir -p "$DATA_DIR/home" "$DATA_DIR/mnesia"
chmod 700 "$DATA_DIR"
umask 077

# Everything the node reads or writes lives in DATA_DIR, so several nodes can share a machine.
export HOME="$DATA_DIR/home"                       # Erlang cookie
# A fixed node name, as the data folder belongs to it; nodes of other runs don't clash, each has its own epmd.
export RABBITMQ_NODENAME="tunesculptor@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$AMQP_PORT"
export RABBITMQ_DIST_PORT="$DIST_PORT"
export ERL_EPMD_PORT="$EPMD_PORT"
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE="$DATA_DIR/mnesia"
export RABBITMQ_LOG_BASE="$DATA_DIR/log"
export RABBITMQ_LOGS=-
export RABBITMQ_CONFIG_FILE="$DATA_DIR/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$DATA_DIR/enabled_plugins"

echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"

# Definitions are imported at every boot, so the user always has the AppHost's current password
# (default_user/default_pass would only apply to a fresh data folder).
cat > "$DATA_DIR/definitions.json" <<JSON
{
  "users": [{ "name": "$RABBITMQ_USER", "password_hash": "$RABBITMQ_PASSWORD_HASH",
              "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": ["administrator"] }],
  "vhosts": [{ "name": "/" }],
  "permissions": [{ "user": "$RABBITMQ_USER", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*" }]
}
JSON

cat > "$RABBITMQ_CONFIG_FILE" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MANAGEMENT_PORT
load_definitions = $DATA_DIR/definitions.json
loopback_users = none
log.console = true
log.console.level = info
CONF
if [ -n "${RABBITMQ_CONSUMER_TIMEOUT_MS:-}" ]; then
  echo "consumer_timeout = $RABBITMQ_CONSUMER_TIMEOUT_MS" >> "$RABBITMQ_CONFIG_FILE"
fi

# Our own epmd, in the foreground and in this process group: the daemon the node would start itself escapes the
# group and outlives everything.
epmd -port "$EPMD_PORT" -address 127.0.0.1 &
epmd_pid=$!
for _ in $(seq 50); do epmd -names > /dev/null 2>&1 && break; sleep 0.1; done
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false${RABBITMQ_CHANNEL_TICK_MS:+ -rabbit channel_tick_interval $RABBITMQ_CHANNEL_TICK_MS}"

# On SIGTERM the node flushes its message stores within a second, then the management plugin holds the shutdown
# for about 5 s more. Aspire gives a stopping resource 5 s (app shutdown) or ~12 s (the stop command, which fails
# beyond that), so the node gets 3 s to stop by itself and is then killed. The 3 s are on the clock, not counted in
# rounds: on a busy machine each round (pgrep scans /proc) can take far longer than its sleep.
stop_node() {
  kill -TERM "$node_pid" 2> /dev/null || true
  local deadline=$(( $(date +%s%N) + 3000000000 ))
  while pgrep -P "$node_pid" > /dev/null; do   # the Erlang VM is the wrapper's child
    if [ "$(date +%s%N)" -ge "$deadline" ]; then
      echo "The node did not stop within 3 s of SIGTERM: killing it"
      pkill -KILL -P "$node_pid" || true
      return 0
    fi
    sleep 0.1
  done
}

/usr/lib/rabbitmq/bin/rabbitmq-server &
node_pid=$!
trap stop_node TERM INT
# `wait` returns early when a trapped signal arrives; wait again for the node's wrapper to finish.
wait "$node_pid" || true
wait "$node_pid" 2> /dev/null || true
kill "$epmd_pid" 2> /dev/null || true
