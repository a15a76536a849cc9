#!/usr/bin/env bash
# Regenerates deploy/k8s (the Kubernetes form of the AppHost's model) with the AppHost's publish-kubernetes step.
# A test fails when the checked-in copy is stale.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
output="$repo_root/deploy/k8s"
# Only generated files live there (apart from the untracked secrets/ folders): start clean so nothing stale stays.
if [ -d "$output" ]; then
  find "$output" -path '*/secrets' -prune -o -type f -name '*.yaml' -print | xargs -r rm -f
fi
dotnet run --project "$repo_root/TuneSculptor.AppHost" --no-launch-profile -- \
  --operation publish --step publish-kubernetes --output-path "$output"
