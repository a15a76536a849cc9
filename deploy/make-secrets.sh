#!/usr/bin/env bash
# Creates the files the Kubernetes overlays turn into Secrets (deploy/k8s/overlays/minikube/secrets/, never
# committed). Existing files are kept, so running it again changes nothing; delete a file to rotate that secret.
#
#   deploy/make-secrets.sh [overlay-dir]
#
# Passwords are random hex (safe inside URLs and connection strings). The token signing key is a new EC P-256 key.
# Mail goes to the development mail server (the overlay's `mail` component) unless MAIL_CONNECTION_STRING gives
# a real SMTP server, e.g. for Gmail with an app password (the sender is the Notification__From setting):
#   MAIL_CONNECTION_STRING='smtp://me%40gmail.com:APP-PASSWORD@smtp.gmail.com:587?security=starttls'
set -euo pipefail

overlay=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/k8s/overlays/minikube}
namespace=tunesculptor
secrets="$overlay/secrets"
umask 077

# write NAME/KEY VALUE: only when the file is not there yet.
write() {
  local file="$secrets/$1"
  [ -s "$file" ] && return
  mkdir -p "$(dirname "$file")"
  printf '%s' "$2" > "$file"
  echo "created $file"
}

password() { openssl rand -hex 24; }

write mysql-password/value "$(password)"
write mysql-root-password/value "$(password)"
write mongodb-password/value "$(password)"
# mongod's replica set keyfile: 6–1024 base64 characters.
write mongodb-keyfile/value "$(openssl rand -base64 756 | tr -d '\n')"
write rabbitmq-password/value "$(password)"
write auth-signing-key/value "$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2> /dev/null)"
write mail-connection-string/value "${MAIL_CONNECTION_STRING:-smtp://mail:25}"
# KEDA reads queue lengths from the management API as the app user.
write rabbitmq-keda/host "http://tunesculptor:$(cat "$secrets/rabbitmq-password/value")@rabbitmq.$namespace.svc.cluster.local:15672"
