#!/usr/bin/env bash
# Builds `localhost/tunesculptor/aspnet:10.0`, the offline stand-in for mcr.microsoft.com/dotnet/aspnet:10.0 (no
# image registry is reachable on our machines): eng/images/aspnet-base.Containerfile over the Debian base
# (eng/images/debian-base.sh), with the newest ASP.NET Core 10 runtime installed here. Cached: rebuilt only when the
# recipe, the Debian base or the runtime version changes (their hash is the image's label) or the image is missing.
#   eng/images/aspnet-base.sh        # prints the image name
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=localhost/tunesculptor/aspnet:10.0
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")

debian=$("$here/debian-base.sh")
version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ {v = $2} END {print v}')
if [ -z "$version" ] || [ ! -d "$dotnet_root/shared/Microsoft.NETCore.App/$version" ]; then
  echo "aspnet-base: the ASP.NET Core and .NET 10 runtimes of one version are needed in $dotnet_root (dotnet --list-runtimes)" >&2
  exit 1
fi

recipe=$( {
  sha256sum "${BASH_SOURCE[0]}" "$here/aspnet-base.Containerfile" | cut -d' ' -f1
  podman image inspect --format '{{.Id}}' "$debian"
  echo "$version"
} | sha256sum | cut -d' ' -f1)

if [ "$(podman image inspect --format '{{index .Labels "org.tunesculptor.recipe"}}' "$image" 2> /dev/null)" = "$recipe" ]; then
  echo "$image"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "[images] building $image (.NET $version from $dotnet_root over $debian)" >&2
# What the official runtime images hold under /usr/share/dotnet: the muxer, hostfxr, the shared frameworks.
mkdir -p "$work/dotnet/host/fxr" "$work/dotnet/shared/Microsoft.NETCore.App" "$work/dotnet/shared/Microsoft.AspNetCore.App"
cp -a "$dotnet_root/dotnet" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$work/dotnet/"
cp -a "$dotnet_root/host/fxr/$version" "$work/dotnet/host/fxr/"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$version" "$work/dotnet/shared/Microsoft.NETCore.App/"
cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$version" "$work/dotnet/shared/Microsoft.AspNetCore.App/"
cp "$here/aspnet-base.Containerfile" "$work/Containerfile"
podman build --quiet --layers=false \
  --build-arg DEBIAN_IMAGE="$debian" --build-arg DOTNET_VERSION="$version" \
  --label org.tunesculptor.recipe="$recipe" \
  --tag "$image" "$work" > /dev/null
echo "$image"
