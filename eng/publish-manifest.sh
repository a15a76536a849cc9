#!/usr/bin/env bash
# Regenerates aspire-manifest.json (the deployable form: container images, whatever runs here) from the AppHost.
# A test fails when the checked-in copy is stale.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dotnet run --project "$repo_root/TuneSculptor.AppHost" --no-launch-profile -- \
  --publisher manifest --output-path "$repo_root/aspire-manifest.json"
