#!/usr/bin/env bash
# Builds the four service images into podman the way deploy/build-images.sh builds them for users (it runs that very
# script: `dotnet publish -t:PublishContainer`, names and tags from services/Directory.Build.props, the converter's
# ffmpeg layer from deploy/images/converter), with two settings changed: the engine is podman, and the base is
# `localhost/tunesculptor/aspnet:10.0` (eng/images/aspnet-base.sh) instead of mcr.microsoft.com/dotnet/aspnet:10.0,
# which no registry here can serve. The SDK pulls its base from a registry only, never from an engine's storage
# (dotnet/sdk-container-builds#583), so the base is pushed to a private registry on localhost (Debian's
# docker-registry) for the build; it is stopped and deleted afterwards.
#
# Cached: every image carries the hash of its inputs (the services' sources, the build settings, these scripts, the
# base image) as the label org.tunesculptor.inputs; when all four match, nothing is built.
#   eng/images/services.sh           # prints the four image names
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$here/../.." && pwd)
services=(auth gateway notification converter)
base_repository=tunesculptor/aspnet:10.0

say() { echo "[images] $*" >&2; }

# One build at a time on this machine, so concurrent runs and tests wait instead of building twice.
exec {lock}> "${TMPDIR:-/tmp}/tunesculptor-image-services.lock"
flock "$lock"

base=$("$here/aspnet-base.sh")

# Everything the four builds read, by content (tracked and new files alike; bin/ and obj/ are ignored by git).
inputs=$( {
  cd "$repo_root"
  git ls-files -co --exclude-standard -- services TuneSculptor.ServiceDefaults Directory.Build.props \
    Directory.Packages.props global.json NuGet.config deploy/build-images.sh deploy/images eng/images/services.sh |
    sort -u | while IFS= read -r file; do [ ! -f "$file" ] || sha256sum "$file"; done
  podman image inspect --format '{{.Id}}' "$base"
} | sha256sum | cut -d' ' -f1)

image_name() { echo "localhost/tunesculptor/$1:1.0.0"; }

stale=()
for service in "${services[@]}"; do
  label=$(podman image inspect --format '{{index .Labels "org.tunesculptor.inputs"}}' "$(image_name "$service")" 2> /dev/null || true)
  [ "$label" = "$inputs" ] || stale+=("$service")
done

image_id() { podman image inspect --format '{{.Id}}' "$1" 2> /dev/null || true; }

if [ ${#stale[@]} -gt 0 ]; then
  # The builds being replaced (the converter's app image too), removed once the new ones are tagged.
  previous=()
  for service in "${stale[@]}"; do
    previous+=("$(image_id "$(image_name "$service")")")
    [ "$service" != converter ] || previous+=("$(image_id "$(image_name converter-app)")")
  done

  work=$(mktemp -d)
  registry_pid=""
  stop_registry() {
    if [ -n "$registry_pid" ]; then
      kill "$registry_pid" 2> /dev/null || true
      wait "$registry_pid" 2> /dev/null || true
    fi
    rm -rf "$work"
  }
  trap stop_registry EXIT

  # A free port: nothing answers on it, and the registry started on it stays up (it exits if it cannot bind).
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    ! (: < "/dev/tcp/127.0.0.1/$port") 2> /dev/null || continue
    cat > "$work/registry.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YAML
    docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 50); do
      curl -fsS "http://127.0.0.1:$port/v2/" > /dev/null 2>&1 && break
      kill -0 "$registry_pid" 2> /dev/null || break
      sleep 0.1
    done
    kill -0 "$registry_pid" 2> /dev/null && curl -fsS "http://127.0.0.1:$port/v2/" > /dev/null 2>&1 && break
    stop_registry
    work=$(mktemp -d)
    registry_pid=""
  done
  if [ -z "$registry_pid" ]; then
    echo "services.sh: no private registry could be started (docker-registry serve); its last log:" >&2
    cat "$work/registry.log" >&2 2> /dev/null || true
    exit 1
  fi

  registry="localhost:$port"
  say "building ${stale[*]} on $base (served as $registry/$base_repository by a private registry)"
  started=$SECONDS
  podman push --quiet --tls-verify=false --format v2s2 "$base" "$registry/$base_repository" >&2
  # The build's chatter (restore, publish, apt) goes to a log, shown only when it fails.
  if ! CONTAINER_ENGINE=podman CONTAINER_BASE_IMAGE="$registry/$base_repository" IMAGE_INPUTS="$inputs" \
    DOTNET_CONTAINER_INSECURE_REGISTRIES="$registry" \
    "$repo_root/deploy/build-images.sh" "${stale[@]}" > "$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "services.sh: deploy/build-images.sh failed (its output is above)" >&2
    exit 1
  fi
  say "built ${stale[*]} in $((SECONDS - started)) s"

  current=" $(for service in "${services[@]}" converter-app; do image_id "$(image_name "$service")"; done | tr '\n' ' ')"
  for id in "${previous[@]}"; do
    [ -n "$id" ] && [[ "$current" != *" $id "* ]] || continue
    podman rmi "$id" > /dev/null 2>&1 || say "kept the previous build $id: it is still in use (podman rmi $id says why)"
  done
fi

for service in "${services[@]}"; do
  image_name "$service"
done
