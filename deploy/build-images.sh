#!/usr/bin/env bash
# Builds the four service images into the Docker daemon the `docker` CLI talks to; for minikube run
#   eval "$(minikube docker-env)"
# first, so the cluster finds them without a registry. Names and tags come from services/Directory.Build.props.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
docker info > /dev/null

for service in auth gateway notification; do
  dotnet publish "$repo_root/services/TuneSculptor.${service^}" -c Release -t:PublishContainer --os linux --arch x64
done

# The converter: the SDK builds the app image, then ffmpeg is layered on under the name the manifests use.
converter="$repo_root/services/TuneSculptor.Converter"
image=$(dotnet msbuild "$converter" -getProperty:ContainerRepository):$(dotnet msbuild "$converter" -getProperty:ContainerImageTag)
dotnet publish "$converter" -c Release -t:PublishContainer --os linux --arch x64 -p:ContainerRepository="${image%%:*}-app"
docker build --build-arg APP_IMAGE="${image%%:*}-app:${image##*:}" -t "$image" "$repo_root/deploy/images/converter"

docker images --filter reference='tunesculptor/*'
