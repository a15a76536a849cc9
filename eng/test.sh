#!/usr/bin/env bash
# Sets up what is missing and runs the tests:
#   eng/test.sh [--quick] [dotnet test arguments…]
# With no argument, every test: the unit tests, auth on a MariaDB of its own, the model, manifest and Kubernetes
# tree, and the whole system started from the AppHost with real MariaDB, RabbitMQ, MongoDB stand-in, smtp4dev and
# ffmpeg as host processes and once in podman containers (tests/TuneSculptor.System.Tests), and the four service
# images run under podman as the Kubernetes manifests run them (tests/TuneSculptor.Images.Tests). --quick leaves out
# those two: a few minutes instead of a quarter of an hour. Other arguments go to `dotnet test`.
set -euo pipefail

quick=false
if [ "${1:-}" = --quick ]; then
  quick=true
  shift
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/eng/bootstrap.sh" test

cd "$repo_root"
if $quick; then
  # The solution (the benchmark included), then every test project under tests/ but the whole system and the
  # images, those added later included, from its build output.
  dotnet build TuneSculptor.sln -nologo -v quiet
  modules=()
  for project in tests/*/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    case "$name" in TuneSculptor.System.Tests|TuneSculptor.Images.Tests) continue ;; esac
    modules+=("$(dirname "$project")/bin/Debug/net10.0/$name.dll")
  done
  dotnet test --test-modules "$(IFS=';'; echo "${modules[*]}")" "$@"
else
  # `dotnet test` builds test projects only: the benchmark (bench/, a console program run by eng/bench.sh) is
  # compiled here so that CI keeps it building.
  dotnet build bench/TuneSculptor.Bench/TuneSculptor.Bench.csproj -nologo -v quiet
  dotnet test --solution TuneSculptor.sln "$@"
fi
