#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit tests and the whole system started from the AppHost with real
# MariaDB, RabbitMQ, MongoDB stand-in, smtp4dev and ffmpeg as host processes. Extra arguments go to `dotnet test`.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/eng/bootstrap.sh" test

cd "$repo_root"
# `dotnet test` builds test projects only: the benchmark (bench/, a console program run by eng/bench.sh) is compiled
# here so that CI keeps it building.
dotnet build bench/TuneSculptor.Bench/TuneSculptor.Bench.csproj -nologo -v quiet
dotnet test --solution TuneSculptor.sln "$@"
