#!/usr/bin/env bash
# Regenerates docs/openapi.json (the gateway's OpenAPI document, as /openapi/v1.json serves it) at build time, with
# Microsoft.Extensions.ApiDescription.Server: the gateway's services are built, not started, so nothing is contacted.
# A test fails when the checked-in copy is stale.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gateway="$repo_root/services/TuneSculptor.Gateway"
# The generator runs only when the gateway's assembly is newer than its record of the last run: forget that run.
rm -f "$gateway/obj/TuneSculptor.Gateway.OpenApiFiles.cache"
# The gateway refuses to build its services without these; the generator connects to neither.
export ConnectionStrings__media="mongodb://127.0.0.1:1/media"
export ConnectionStrings__rabbitmq="amqp://127.0.0.1:1"
# Nor does it sign a link: any key of the right size will do.
Links__SigningKey=$(head -c 32 /dev/urandom | base64)
export Links__SigningKey
dotnet build "$gateway" -p:OpenApiGenerateDocumentsOnBuild=true
