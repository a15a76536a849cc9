#!/usr/bin/env bash
# Entrypoint of localhost/tunesculptor/rabbitmq: the official image's contract on Debian's RabbitMQ 3.10.
#   RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS  the user a fresh data folder starts with (default guest/guest,
#                                                 which RabbitMQ admits from outside only because of loopback_users)
#   RABBITMQ_NODENAME                             as with the official image (data folder is named after the node)
# The node runs as `rabbitmq`, never as root.
set -euo pipefail

log() { echo "[entrypoint] $*" >&2; }

if [ "$1" != rabbitmq-server ]; then
  exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
  # A fresh volume mounted over the data folder belongs to root: hand it to the node's user, then drop root.
  find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq:rabbitmq '{}' +
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# A rabbitmq.conf string value: backslashes and double quotes escaped, inside double quotes.
conf_string() {
  local value=${1//\\/\\\\}
  printf '"%s"' "${value//\"/\\\"}"
}

defaults=/etc/rabbitmq/conf.d/10-default-user.conf
: > "$defaults"
if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then
  echo "default_user = $(conf_string "$RABBITMQ_DEFAULT_USER")" >> "$defaults"
fi
if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then
  echo "default_pass = $(conf_string "$RABBITMQ_DEFAULT_PASS")" >> "$defaults"
fi
if [ -n "${RABBITMQ_DEFAULT_USER:-}${RABBITMQ_DEFAULT_PASS:-}" ]; then
  # The default user gets the administrator tag, as in the official image, so it can use the management UI.
  echo "default_user_tags.administrator = true" >> "$defaults"
fi
chmod 600 "$defaults"

exec /usr/lib/rabbitmq/bin/rabbitmq-server
