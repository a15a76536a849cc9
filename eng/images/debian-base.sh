#!/usr/bin/env bash
# Builds the Debian base every image built here starts from, `localhost/tunesculptor/debian:bookworm`, with
# mmdebstrap from the Debian mirror apt already uses (no image registry is reachable on our machines). Cached: rebuilt
# only when this script changes (its hash is the image's label) or the image is missing. Needs podman and mmdebstrap.
#   eng/images/debian-base.sh        # prints the image name
set -euo pipefail

image=localhost/tunesculptor/debian:bookworm
script_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)

if [ "$(podman image inspect --format '{{index .Labels "org.tunesculptor.recipe"}}' "$image" 2> /dev/null)" = "$script_hash" ]; then
  echo "$image"
  exit 0
fi

# The first deb822 URI apt is configured with, for the main archive and for security updates.
apt_uri() {
  grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2> /dev/null | awk '{print $2}' | grep -m1 "$1" || true
}
mirror=$(apt_uri '/debian$')
security=$(apt_uri 'debian-security')
mirror=${mirror:-http://deb.debian.org/debian}
security=${security:-http://deb.debian.org/debian-security}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "[images] building $image from $mirror (mmdebstrap)" >&2
mmdebstrap --quiet --variant=apt --include=ca-certificates \
  --components=main \
  bookworm "$work/rootfs.tar" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main" >&2
podman import --quiet \
  --change "LABEL org.tunesculptor.recipe=$script_hash" \
  --change 'CMD ["/bin/bash"]' \
  --change 'ENV LANG=C.UTF-8' \
  "$work/rootfs.tar" "$image" > /dev/null
echo "$image"
