#!/usr/bin/env bash
# smtp4dev's build inputs (see build.sh): the dotnet tool Rnwood.Smtp4dev at the version of the repository's tool
# manifest, from NuGet, and the ASP.NET Core runtime it needs, copied from this machine's .NET installation.
# Why copy: the image needs a .NET runtime, Debian has none, and of Microsoft's channels only NuGet is reachable, where
# the runtime comes as SDK packs, not as something to run a tool with. The host's runtime is the one the tool already
# runs on here as a host process, and the runtime's version is part of the image's identity, so a .NET update rebuilds
# it.
#   context.sh identify | fill DIR
set -euo pipefail
: "${repo_root:?set by build.sh}"

tool_version=$(sed -n '/"rnwood.smtp4dev"/,/}/s/.*"version": *"\([^"]*\)".*/\1/p' "$repo_root/.config/dotnet-tools.json")
[ -n "$tool_version" ] || { echo "rnwood.smtp4dev is not in .config/dotnet-tools.json" >&2; exit 1; }
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
# The newest ASP.NET Core runtime of the tool's major version (net10.0).
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ {print $2}' | sort -V | tail -n1)
[ -n "$runtime_version" ] || { echo "smtp4dev $tool_version needs the ASP.NET Core 10 runtime, which is not installed" >&2; exit 1; }

case "$1" in
  identify)
    echo "smtp4dev $tool_version, ASP.NET Core runtime $runtime_version" ;;
  fill)
    dotnet tool install --tool-path "$2/smtp4dev" Rnwood.Smtp4dev --version "$tool_version" > /dev/null
    mkdir -p "$2/dotnet/shared" "$2/dotnet/host/fxr"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$2/dotnet/"
    cp -a "$dotnet_root/host/fxr/$(ls "$dotnet_root/host/fxr" | sort -V | tail -n1)" "$2/dotnet/host/fxr/"
    for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
      mkdir -p "$2/dotnet/shared/$framework"
      cp -a "$dotnet_root/shared/$framework/$runtime_version" "$2/dotnet/shared/$framework/"
    done ;;
  *)
    echo "usage: $0 identify | fill DIR" >&2; exit 2 ;;
esac
