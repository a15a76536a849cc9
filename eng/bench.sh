#!/usr/bin/env bash
# The benchmark (see bench/README.md): sets up what is missing, like eng/test.sh, then builds and runs
# bench/TuneSculptor.Bench in Release. It starts the whole system as host processes (private data folder, free
# ports), so it runs beside a running system. Progress goes to stderr, the Markdown table to stdout:
#   eng/bench.sh [--runs N] [--durations 10,60,600] [--containers mp4,mkv] [--jobs N] [--transfer-mib N] [--clips DIR] > bench-result.md
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo_root/eng/bootstrap.sh" test >&2

cd "$repo_root"
dotnet build bench/TuneSculptor.Bench/TuneSculptor.Bench.csproj -c Release -v quiet -nologo >&2
exec dotnet run --no-build -c Release --project bench/TuneSculptor.Bench/TuneSculptor.Bench.csproj -- "$@"
