#!/usr/bin/env bash
# Builds the four service images into the Docker daemon the `docker` CLI talks to; for minikube run
#   eval "$(minikube docker-env)"
# first, so the cluster finds them without a registry. Names and tags come from services/Directory.Build.props.
#
# Settings (environment), for builds elsewhere; eng/images/services.sh builds the same images into podman from a base
# made on the machine:
#   CONTAINER_ENGINE      docker (default) or podman: where the SDK puts the images, and what layers the converter's ffmpeg
#   CONTAINER_BASE_IMAGE  the image the SDK builds on, pulled from a registry (default: the SDK's own choice, the official
#                         mcr.microsoft.com/dotnet/aspnet of the services' .NET version)
#   IMAGE_INPUTS          a value for each image's org.tunesculptor.inputs label (eng/images/services.sh caches by it)
#   TARGET_ARCH           x64 or arm64: the images' architecture (default: the engine's own, as `$engine info` reports
#                         it, so images built into minikube's Docker run on minikube's node, arm64 laptops included)
# Arguments: the services to build (default: auth gateway notification converter).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
engine=${CONTAINER_ENGINE:-docker}
build_options=()
case "$engine" in
  docker) local_registry=Docker ;;
  # No intermediate images: each build starts from a new app image, so they would only pile up.
  podman) local_registry=Podman; build_options=(--layers=false) ;;
  *) echo "CONTAINER_ENGINE must be docker or podman, not '$engine'" >&2; exit 1 ;;
esac

# The .NET runtime identifier's name for an architecture as engines report it (uname -m, or Go's names).
dotnet_arch() {
  case "$1" in
    x86_64 | amd64 | x64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) echo "unsupported architecture '$1' (x64 or arm64)" >&2; return 1 ;;
  esac
}

case "$engine" in
  docker) engine_arch=$(docker info --format '{{.Architecture}}') ;;
  podman) engine_arch=$(podman info --format '{{.Host.Arch}}') ;;
esac
arch=$(dotnet_arch "${TARGET_ARCH:-$engine_arch}")
echo "building for linux-$arch (${TARGET_ARCH:+TARGET_ARCH; }$engine reports $engine_arch)"
# Another architecture than the engine's: its build of the converter's ffmpeg layer must know (and emulate it).
[ "$(dotnet_arch "$engine_arch")" = "$arch" ] || build_options+=(--platform "linux/${arch/x64/amd64}")

publish=(dotnet publish -c Release -t:PublishContainer --os linux --arch "$arch" -nologo -p:LocalRegistry="$local_registry")
[ -z "${CONTAINER_BASE_IMAGE:-}" ] || publish+=(-p:ContainerBaseImage="$CONTAINER_BASE_IMAGE")
[ -z "${IMAGE_INPUTS:-}" ] || publish+=(-p:ImageInputsLabel="$IMAGE_INPUTS")

services=("$@")
[ $# -gt 0 ] || services=(auth gateway notification converter)
for service in "${services[@]}"; do
  project="$repo_root/services/TuneSculptor.${service^}"
  [ -d "$project" ] || { echo "no service '$service' (services/TuneSculptor.${service^})" >&2; exit 1; }
  if [ "$service" != converter ]; then
    "${publish[@]}" "$project"
    continue
  fi

  # The converter: the SDK builds the app image, then ffmpeg is layered on under the name the manifests use.
  image=$(dotnet msbuild "$project" -getProperty:ContainerRepository):$(dotnet msbuild "$project" -getProperty:ContainerImageTag)
  "${publish[@]}" "$project" -p:ContainerRepository="${image%%:*}-app"
  "$engine" build "${build_options[@]}" --build-arg APP_IMAGE="${image%%:*}-app:${image##*:}" -t "$image" "$repo_root/deploy/images/converter"
done

"$engine" images --filter reference='tunesculptor/*'
