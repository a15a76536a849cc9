#!/usr/bin/env bash
# Installs what TuneSculptor needs and is missing, idempotently. Sourced by run.sh and test.sh; runnable alone:
#   eng/bootstrap.sh [run|test]
# run:  what `dotnet run` on the AppHost needs with the infrastructure runtime it will choose;
# test: what the test suite needs (it always runs the infrastructure as host processes).
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

# Mirrors the AppHost's choice (TuneSculptor.Hosting/Runtime/InfrastructureRuntimeSelection.cs): an explicit
# INFRASTRUCTURE_RUNTIME wins; otherwise containers when the container engine answers `info`.
infrastructure_runtime() {
  local setting=${INFRASTRUCTURE_RUNTIME:-auto}
  case "${setting,,}" in
    containers) echo containers; return ;;
    host-processes|hostprocesses) echo host-processes; return ;;
  esac
  local runtime
  for runtime in ${ASPIRE_CONTAINER_RUNTIME:-${DOTNET_ASPIRE_CONTAINER_RUNTIME:-docker podman}}; do
    if command -v "$runtime" > /dev/null && timeout 10 "$runtime" info > /dev/null 2>&1; then
      echo containers
      return
    fi
  done
  echo host-processes
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

if [ "$purpose" = test ] || [ "$(infrastructure_runtime)" = host-processes ]; then
  install_host_process_servers
fi

# The service images' tests (tests/TuneSculptor.Images.Tests) build them with eng/images/services.sh, which serves the
# offline .NET base to the SDK from a private registry: Debian's docker-registry (nothing is started on install).
install_service_image_tools() {
  apt_install docker-registry
}

if [ "$purpose" = test ]; then
  install_service_image_tools
  # deploy/make-secrets.sh makes the Kubernetes tests' secrets with openssl.
  apt_install openssl
  # The browser tests drive Debian's Chromium through Playwright (its own browser downloads are not used).
  apt_install chromium
  # Node and npm are there: install_host_process_servers ran for the test purpose.
  npm_ci_from_lock "$repo_root/tools/k8s-validate" "the Kubernetes manifest validator"
fi
