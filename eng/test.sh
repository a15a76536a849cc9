#!/usr/bin/env bash
# Sets up what is missing and runs the tests:
#   eng/test.sh [--quick] [dotnet test arguments…]
# With no argument, every test: the unit tests, auth on a MariaDB of its own, the model, manifest and Kubernetes
# tree, and the whole system started from the AppHost with real MariaDB, RabbitMQ, MongoDB stand-in, smtp4dev and
# ffmpeg as host processes (tests/TuneSculptor.System.Tests). --quick leaves out only the whole system: a few
# minutes instead of a quarter of an hour. Other arguments go to `dotnet test`.
set -euo pipefail

quick=false
if [ "${1:-}" = --quick ]; then
  quick=true
  shift
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/eng/bootstrap.sh" test

cd "$repo_root"
# `dotnet test` builds test projects only: the benchmark (bench/, a console program run by eng/bench.sh) is compiled
# here so that CI keeps it building.
dotnet build bench/TuneSculptor.Bench/TuneSculptor.Bench.csproj -nologo -v quiet
if $quick; then
  # The whole-system project declares itself no test project when WholeSystemTests=false, so `dotnet test` skips it;
  # any other test project, present or added later, runs.
  dotnet test --solution TuneSculptor.sln -p:WholeSystemTests=false "$@"
else
  dotnet test --solution TuneSculptor.sln "$@"
fi
