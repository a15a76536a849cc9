#!/usr/bin/env bash
# Creates the files the Kubernetes overlays turn into Secrets (deploy/k8s/overlays/minikube/secrets/, never
# committed), then rebuilds the values derived from them. Existing files are kept, so running it again changes
# nothing unless a source changed; every Secret's name carries a hash of its content, so `kubectl apply -k` after a
# change restarts the pods that read it.
#
#   deploy/make-secrets.sh [overlay-dir]
#
# Passwords are random hex (safe inside URLs and connection strings). The token signing key is a new EC P-256 key;
# the link signing key 32 random bytes (base64).
# The ingress's certificate (ingress-tls/, the tls component) is self-signed for mp3converter.com: kept while it is
# valid for more than TLS_RENEW_DAYS (30) days, then made again with a new key; curl trusts it with --cacert.
# Mail goes to the development mail server (the overlay's `mail` component) unless MAIL_CONNECTION_STRING gives
# a real SMTP server, e.g. for Gmail with an app password (the sender is the Notification__From setting):
#   MAIL_CONNECTION_STRING='smtp://me%40gmail.com:APP-PASSWORD@smtp.gmail.com:587?security=starttls'
#
# Users: each server has an app user for the services (mysql-password, mongodb-password, rabbitmq-password) and
# an administrator (mysql-root-password, mongodb-root-password, rabbitmq-admin-password); KEDA reads queue lengths
# as its own RabbitMQ user (rabbitmq-keda-password). The broker's users are definitions it imports at every boot
# (rabbitmq-definitions, made here with password hashes only: the admin and KEDA passwords never reach the cluster
# in clear; KEDA's is in its URL, rabbitmq-keda/host).
#
# Rotating: the databases keep the password they started with, so a new file alone locks the services out. Change
# the password in the server first, then write the new value into its file and run this script and `kubectl apply
# -k` again; the broker's passwords only need the new file: see "Rotating secrets" in the README for each secret.
#
# Any failure stops the script with a message, and no file is left empty or half written.
set -euo pipefail

overlay=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/k8s/overlays/minikube}
namespace=tunesculptor
secrets="$overlay/secrets"
umask 077

fail() { echo "make-secrets: $*" >&2; exit 1; }

command -v openssl > /dev/null || fail "openssl is not installed"
[ -f "$overlay/kustomization.yaml" ] || fail "$overlay is not an overlay (no kustomization.yaml)"

# put NAME/KEY VALUE: writes the file through a temporary one, refusing an empty value.
put() {
  local file="$secrets/$1" value=$2
  [ -n "$value" ] || fail "refusing to write an empty $1"
  mkdir -p "$(dirname "$file")"
  printf '%s' "$value" > "$file.tmp"
  mv "$file.tmp" "$file"
}

# create NAME/KEY COMMAND…: runs the command for a value only when the file is missing or empty. A command that
# fails stops the script (a command substitution's status is lost inside another command's arguments).
create() {
  local name=$1 value
  shift
  [ -s "$secrets/$name" ] && return
  value=$("$@") || fail "could not make $name ($*)"
  put "$name" "$value"
  echo "created $secrets/$name"
}

# derive NAME/KEY VALUE: rewritten on every run from the values it is built from.
derive() {
  local file="$secrets/$1"
  if [ ! -f "$file" ] || [ "$(cat "$file")" != "$2" ]; then
    put "$1" "$2"
    echo "updated $file"
  fi
}

password() { openssl rand -hex 24; }
# mongod's replica set keyfile: 6–1024 base64 characters.
keyfile() { openssl rand -base64 756 | tr -d '\n'; }
signing_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256; }
# The download links' HMAC key: 32 random bytes, base64.
link_key() { openssl rand -base64 32; }
mail_connection_string() { printf '%s' "${MAIL_CONNECTION_STRING:-smtp://mail:25}"; }

tls_host=mp3converter.com
tls_days=365
tls_renew_days=${TLS_RENEW_DAYS:-30}

# self_signed_certificate DIR: a new EC P-256 key and a certificate for $tls_host (in the SAN, which clients check;
# the CN alone is ignored) into DIR/tls.key and DIR/tls.crt.
self_signed_certificate() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/tls.key" \
    && openssl req -x509 -new -sha256 -key "$1/tls.key" -out "$1/tls.crt" -days "$tls_days" \
      -subj "/CN=$tls_host" -addext "subjectAltName=DNS:$tls_host" -addext "extendedKeyUsage=serverAuth"
}

# The ingress's certificate: both files are made together (through a temporary folder), and again when either is
# missing or the certificate expires within $tls_renew_days days. A file that is there but is no certificate is
# refused, not replaced: it may be one someone put there.
tls_certificate() {
  local dir="$secrets/ingress-tls" work
  if [ -s "$dir/tls.crt" ] && [ -s "$dir/tls.key" ]; then
    openssl x509 -in "$dir/tls.crt" -noout \
      || fail "ingress-tls/tls.crt is not a certificate in PEM (delete tls.crt and tls.key for a new self-signed one)"
    openssl x509 -in "$dir/tls.crt" -noout -checkend $((tls_renew_days * 86400)) > /dev/null && return
    echo "ingress-tls/tls.crt expires within $tls_renew_days days: making a new one"
  fi
  mkdir -p "$dir"
  work=$(mktemp -d "$secrets/.ingress-tls.XXXXXX")
  self_signed_certificate "$work" || { rm -rf "$work"; fail "could not make ingress-tls (openssl failed)"; }
  mv "$work/tls.key" "$dir/tls.key"
  mv "$work/tls.crt" "$dir/tls.crt"
  rmdir "$work"
  echo "created $dir (self-signed for $tls_host, $tls_days days)"
}

create mysql-password/value password
create mysql-root-password/value password
create mongodb-password/value password
create mongodb-root-password/value password
create mongodb-keyfile/value keyfile
create rabbitmq-password/value password
create rabbitmq-admin-password/value password
create rabbitmq-keda-password/value password
create auth-signing-key/value signing_key
create link-signing-key/value link_key
create mail-connection-string/value mail_connection_string
tls_certificate

# What the services would fail on at start, caught here instead. Passwords go into URLs and connection strings
# as they are, so a rotated one must be as plain as the generated ones.
for name in mysql-password mysql-root-password mongodb-password mongodb-root-password \
            rabbitmq-password rabbitmq-admin-password rabbitmq-keda-password; do
  grep -Eq '^[A-Za-z0-9._~-]+$' "$secrets/$name/value" \
    || fail "$name/value may hold only letters, digits and . _ ~ - (it is put into URLs and connection strings)"
done
openssl pkey -in "$secrets/auth-signing-key/value" -noout || fail "auth-signing-key/value is not a private key in PEM"
# At least 32 bytes of base64 (44 characters), as the gateway and the notification refuse less at start.
grep -Eq '^[A-Za-z0-9+/]{43,}={0,2}$' "$secrets/link-signing-key/value" \
  || fail "link-signing-key/value must be base64 of at least 32 random bytes (openssl rand -base64 32)"
openssl pkey -in "$secrets/ingress-tls/tls.key" -noout || fail "ingress-tls/tls.key is not a private key in PEM"
key_public=$(openssl pkey -in "$secrets/ingress-tls/tls.key" -pubout) || fail "ingress-tls/tls.key has no public key"
certificate_public=$(openssl x509 -in "$secrets/ingress-tls/tls.crt" -noout -pubkey) || fail "ingress-tls/tls.crt has no public key"
[ "$key_public" = "$certificate_public" ] || fail "ingress-tls/tls.key is not the key of ingress-tls/tls.crt"
san=$(openssl x509 -in "$secrets/ingress-tls/tls.crt" -noout -ext subjectAltName) || fail "ingress-tls/tls.crt cannot be read"
grep -Eq "DNS:${tls_host//./\\.}(,|\$)" <<< "$san" || fail "ingress-tls/tls.crt is not for $tls_host (subjectAltName: ${san#*$'\n'})"
# One key, or while rotating several as a YAML list ("- KEY" lines), as mongod reads them.
! grep -Evq '^(- )?[A-Za-z0-9+/=]{6,1024}$' "$secrets/mongodb-keyfile/value" \
  || fail "mongodb-keyfile/value must be a key of 6 to 1024 base64 characters, or a list of such keys as '- KEY' lines"

# KEDA reads queue lengths from the management API as its own user: always the current password.
derive rabbitmq-keda/host \
  "http://keda:$(cat "$secrets/rabbitmq-keda-password/value")@rabbitmq.$namespace.svc.cluster.local:15672"

# The broker's users, virtual host and permissions, imported at every boot (existing users are updated):
#   tunesculptor  the services: no tag (no management UI or API), every right on the app's virtual host "/" only
#   admin         operators: administrator, every right on "/"
#   keda          KEDA: management tag (the API shows it the queues of "/"), no right to declare, publish or consume
definitions="$secrets/rabbitmq-definitions/definitions.json"

# Bytes from hex (printf's \xHH), for the salt.
bytes() { printf "$(sed 's/../\\x&/g' <<< "$1")"; }
# rabbit_password_hashing_sha256 with the salt SALT (8 hex digits): base64(salt ‖ SHA-256(salt ‖ password)).
hash_with_salt() { { bytes "$1"; { bytes "$1"; printf '%s' "$2"; } | openssl dgst -sha256 -binary; } | openssl base64 -A; }
# rabbitmq_hash USER PASSWORD-FILE: the user's hash in the current definitions while the password still matches it,
# so that running again changes nothing (a new salt would change the Secret and restart the broker); else a new one.
rabbitmq_hash() {
  local password old salt hash
  password=$(cat "$secrets/$2")
  old=$( { [ -f "$definitions" ] && sed -n "s/.*\"name\": \"$1\", \"password_hash\": \"\([^\"]*\)\".*/\1/p" "$definitions"; } || true)
  if [ -n "$old" ]; then
    salt=$(openssl base64 -d -A <<< "$old" | head -c 4 | od -An -tx1 | tr -d ' \n')
    hash=$(hash_with_salt "$salt" "$password")
    [ "$hash" = "$old" ] && { printf '%s' "$old"; return; }
  fi
  hash_with_salt "$(openssl rand -hex 4)" "$password"
}
user_line() {
  local hash
  hash=$(rabbitmq_hash "$1" "$2")
  # 4 bytes of salt and 32 of digest are 48 base64 characters: anything else is a failed openssl.
  [[ "$hash" =~ ^[A-Za-z0-9+/]{48}$ ]] || fail "could not hash the password of RabbitMQ user $1"
  printf '    {"name": "%s", "password_hash": "%s", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": [%s]}' "$1" "$hash" "$3"
}
admin=$(user_line admin rabbitmq-admin-password/value '"administrator"')
app=$(user_line tunesculptor rabbitmq-password/value '')
keda=$(user_line keda rabbitmq-keda-password/value '"management"')
derive rabbitmq-definitions/definitions.json "{
  \"users\": [
$admin,
$app,
$keda
  ],
  \"vhosts\": [{\"name\": \"/\"}],
  \"permissions\": [
    {\"user\": \"admin\", \"vhost\": \"/\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"},
    {\"user\": \"tunesculptor\", \"vhost\": \"/\", \"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"},
    {\"user\": \"keda\", \"vhost\": \"/\", \"configure\": \"^$\", \"write\": \"^$\", \"read\": \"^$\"}
  ]
}"
