#!/usr/bin/env bash
# Installs what TuneSculptor needs and is missing, idempotently. Sourced by run.sh and test.sh; runnable alone:
#   eng/bootstrap.sh [run|test]
# run:  what `dotnet run` on the AppHost needs with the infrastructure runtime it will choose;
# test: what the test suite needs (host-process servers, and podman for the whole system in containers).
# When containers are wanted (INFRASTRUCTURE_RUNTIME=containers, or test) and no container engine answers, podman is
# installed and configured (see podman_setup); with INFRASTRUCTURE_IMAGES other than `official`, also what building
# the local images needs (mmdebstrap, npm). An engine that already answers is left as it is.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
purpose=${1:-run}

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

require_dotnet() {
  if ! command -v dotnet > /dev/null || ! dotnet --list-sdks | grep -q '^10\.'; then
    echo "The .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux" >&2
    exit 1
  fi
}

# The Kubernetes manifests are built with `kubectl kustomize`, which needs kustomize v5 (kubectl 1.27 and later).
# Not installed here: Debian's kubernetes-client (1.20) is too old.
require_kubectl() {
  local minor="" found="none is on PATH"
  if command -v kubectl > /dev/null; then
    minor=$(kubectl version --client -o json 2> /dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n1)
    found="found 1.${minor:-?}"
  fi
  if [ -z "$minor" ] || [ "$minor" -lt 27 ]; then
    echo "kubectl 1.27 or later (with kustomize v5) is required, $found:" \
      "https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/ (Debian's kubernetes-client is too old)" >&2
    exit 1
  fi
}

container_runtimes() { echo "${ASPIRE_CONTAINER_RUNTIME:-${DOTNET_ASPIRE_CONTAINER_RUNTIME:-docker podman}}"; }

engine_answers() { command -v "$1" > /dev/null && timeout 10 "$1" info > /dev/null 2>&1; }

# Any HTTP answer from Docker Hub's registry (401 is its greeting) means the official images can be pulled.
registry_answers() { curl --silent --max-time 3 --output /dev/null https://registry-1.docker.io/v2/; }

# The local images (eng/images) are built with podman, over a Debian base that mmdebstrap makes.
local_images_buildable() {
  [ "$(basename "$1")" = podman ] \
    && { command -v mmdebstrap > /dev/null || podman image exists localhost/tunesculptor/debian:bookworm; }
}

# Mirrors TuneSculptor.Hosting/Runtime/ContainerImageSelection.cs: whether the images can be had with this engine.
images_can_be_had() {
  case "${INFRASTRUCTURE_IMAGES:-auto}" in
    official) return 0 ;;
    local) local_images_buildable "$1" ;;
    *) registry_answers || local_images_buildable "$1" ;;
  esac
}

# Mirrors the AppHost's choice (TuneSculptor.Hosting/Runtime/InfrastructureRuntimeSelection.cs): an explicit
# INFRASTRUCTURE_RUNTIME wins; otherwise containers when the container engine answers `info` and the images can be
# had (pulled, or built here).
infrastructure_runtime() {
  local setting=${INFRASTRUCTURE_RUNTIME:-auto}
  case "${setting,,}" in
    containers) echo containers; return ;;
    host-processes|hostprocesses) echo host-processes; return ;;
  esac
  local runtime
  for runtime in $(container_runtimes); do
    if engine_answers "$runtime"; then
      images_can_be_had "$runtime" && echo containers || echo host-processes
      return
    fi
  done
  echo host-processes
}

# The configuration podman needs on our machine kind (../shared/FACTS.md, "Containers with podman"): crun cannot set
# RLIMIT_NOFILE without CAP_SYS_RESOURCE and refuses the hybrid cgroup layout; runc with cgroupfs works.
readonly podman_conf=/etc/containers/containers.conf
podman_conf_content='[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"'

# Installs podman when no container engine answers, and configures it only if it does not work as installed.
podman_setup() {
  local runtime
  for runtime in $(container_runtimes); do
    if engine_answers "$runtime"; then
      return
    fi
  done
  apt_install podman runc
  engine_answers podman && return
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -f "$podman_conf" ]; then
    local backup
    backup="$podman_conf.before-tunesculptor.$(date +%Y%m%d%H%M%S)"
    $sudo cp -p "$podman_conf" "$backup"
    say "podman does not work with $podman_conf as it is: kept a copy in $backup"
  fi
  printf '%s\n' "$podman_conf_content" | $sudo tee "$podman_conf" > /dev/null
  say "wrote $podman_conf (runc, cgroupfs, no default ulimits): podman did not work as installed"
  if ! engine_answers podman; then
    echo "podman still does not work with $podman_conf; 'podman info' says:" >&2
    podman info 2>&1 | tail -n 5 >&2
    exit 1
  fi
}

# What building the local images (eng/images) needs on the host: mmdebstrap for the Debian base, npm for the
# MongoDB stand-in's packages.
local_image_tools() {
  [ "${INFRASTRUCTURE_IMAGES:-auto}" != official ] || return 0
  apt_install mmdebstrap
  command -v node > /dev/null && command -v npm > /dev/null || apt_install nodejs npm
}

# The service images' tests (tests/TuneSculptor.Images.Tests) build them with eng/images/services.sh, which serves the
# offline .NET base to the SDK from a private registry: Debian's docker-registry (nothing is started on install).
install_service_image_tools() {
  apt_install docker-registry
}

apt_install() {
  local missing=()
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
}

install_host_process_servers() {
  # Debian/Ubuntu start nothing here without systemd; the AppHost starts private instances itself.
  apt_install mariadb-server rabbitmq-server
  # Node.js may come from elsewhere (NodeSource, nvm) with its own npm: only install Debian's when there is none.
  command -v node > /dev/null && command -v npm > /dev/null || apt_install nodejs npm

  say "restoring dotnet tools (smtp4dev)"
  (cd "$repo_root" && dotnet tool restore > /dev/null)

  npm_ci_from_lock "$repo_root/tools/mongo-standin" "the MongoDB stand-in"
}

# A Node tool of this repo, from its lock file; reinstalled only when the lock file changes.
npm_ci_from_lock() {
  local tool=$1 what=$2
  local stamp="$tool/node_modules/.installed-lock.sha256"
  local lock_hash
  lock_hash=$(sha256sum "$tool/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    say "installing $what (npm ci)"
    (cd "$tool" && npm ci --no-audit --no-fund --loglevel=error > /dev/null)
    echo "$lock_hash" > "$stamp"
  fi
}

require_dotnet
[ "$purpose" != test ] || require_kubectl
# The converter runs ffmpeg itself, whatever runs the servers.
apt_install ffmpeg

if [ "$purpose" = test ] || [ "${INFRASTRUCTURE_RUNTIME:-auto}" = containers ]; then
  podman_setup
  local_image_tools
fi

if [ "$purpose" = test ] || [ "$(infrastructure_runtime)" = host-processes ]; then
  install_host_process_servers
fi

if [ "$purpose" = test ]; then
  install_service_image_tools
  # deploy/make-secrets.sh makes the Kubernetes tests' secrets with openssl.
  apt_install openssl
  # The browser tests drive Debian's Chromium through Playwright (its own browser downloads are not used).
  apt_install chromium
  # Node and npm are there: install_host_process_servers ran for the test purpose.
  npm_ci_from_lock "$repo_root/tools/k8s-validate" "the Kubernetes manifest validator"
fi
