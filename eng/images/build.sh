#!/usr/bin/env bash
# Builds the images of the given kinds from eng/images/<kind>/ (a Containerfile over the Debian base of
# debian-base.sh, and the image's name in <kind>/image) and prints one image reference per line:
#   eng/images/build.sh mariadb rabbitmq     # localhost/tunesculptor/mariadb:10.11, then …/rabbitmq:3.10
# A kind whose image needs more than its folder has a context.sh:
#   context.sh identify      prints what identifies those inputs (versions, hashes): cheap, run every time
#   context.sh fill DIR      adds them to the build context DIR: run only when building
# Cached: an image is rebuilt only when its folder, its inputs' identity or the base image changed; the hash of the
# three is the image's org.tunesculptor.recipe label. Progress goes to stderr. Needs podman (and mmdebstrap for the
# base).
set -euo pipefail

images_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$images_root/../.." && pwd)
export repo_root

say() { echo "[images] $*" >&2; }

# Build contexts made so far, removed however the script ends.
contexts=()
trap 'rm -rf "${contexts[@]}"' EXIT

if [ $# -eq 0 ]; then
  echo "usage: $0 <kind>...   (kinds: $(cd "$images_root" && ls -d */ | tr -d / | tr '\n' ' '))" >&2
  exit 2
fi

base_image=$("$images_root/debian-base.sh")
base_id=$(podman image inspect --format '{{.Id}}' "$base_image")

# A hash of a folder's file names, modes and contents, independent of timestamps and of where it is.
hash_tree() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r stat --format '%n %a' \
    && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1
}

build_one() {
  local kind=$1
  local recipe="$images_root/$kind"
  [ -f "$recipe/Containerfile" ] && [ -f "$recipe/image" ] \
    || { echo "no image kind '$kind': $recipe needs a Containerfile and an image file" >&2; return 1; }
  local image
  image=$(tr -d '[:space:]' < "$recipe/image")

  local inputs=""
  if [ -x "$recipe/context.sh" ]; then
    inputs=$("$recipe/context.sh" identify)
  fi
  local hash
  hash=$(printf '%s\n%s\n%s' "$(hash_tree "$recipe")" "$inputs" "$base_id" | sha256sum | cut -d' ' -f1)

  local existing_hash existing_id=""
  existing_hash=$(podman image inspect --format '{{index .Labels "org.tunesculptor.recipe"}}' "$image" 2> /dev/null || true)
  if [ "$existing_hash" = "$hash" ]; then
    echo "$image"
    return
  fi
  [ -z "$existing_hash" ] || existing_id=$(podman image inspect --format '{{.Id}}' "$image")

  local context
  context=$(mktemp -d -t "tunesculptor-image-$kind.XXXXXX")
  contexts+=("$context")
  cp -a "$recipe/." "$context/"
  rm -f "$context/image" "$context/context.sh"
  if [ -x "$recipe/context.sh" ]; then
    "$recipe/context.sh" fill "$context" >&2
  fi

  say "building $image ($([ -n "$existing_hash" ] && echo 'its recipe changed' || echo 'not built yet'))"
  local started=$SECONDS
  podman build --quiet --pull=never --build-arg "BASE_IMAGE=$base_image" \
    --label "org.tunesculptor.recipe=$hash" --tag "$image" --file "$context/Containerfile" "$context" > /dev/null
  say "built $image in $((SECONDS - started)) s"
  # The previous build is now untagged: remove it unless a container still uses it.
  if [ -n "$existing_id" ] && ! podman rmi "$existing_id" > /dev/null 2>&1; then
    say "kept the previous build of $image ($existing_id): a container still uses it"
  fi
  echo "$image"
}

for kind in "$@"; do
  # One build per kind at a time on this machine, so concurrent runs and tests wait instead of building twice.
  exec {lock}> "${TMPDIR:-/tmp}/tunesculptor-image-$kind.lock"
  flock "$lock"
  build_one "$kind"
  exec {lock}>&-
done
