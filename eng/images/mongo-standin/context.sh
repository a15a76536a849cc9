#!/usr/bin/env bash
# The stand-in's build inputs: tools/mongo-standin's sources and its npm packages from the lock file (see build.sh).
#   context.sh identify | fill DIR
set -euo pipefail
: "${repo_root:?set by build.sh}"
standin="$repo_root/tools/mongo-standin"
files=(package.json package-lock.json server.mjs README.md)

case "$1" in
  identify)
    (cd "$standin" && sha256sum "${files[@]}") ;;
  fill)
    mkdir -p "$2/app"
    (cd "$standin" && cp "${files[@]}" "$2/app/")
    # npm runs here, not in the image: Debian's npm would pull hundreds of packages into it. The packages are pure
    # JavaScript, so the host's npm installs the same tree the image needs.
    (cd "$2/app" && npm ci --omit=dev --no-audit --no-fund --loglevel=error > /dev/null) ;;
  *)
    echo "usage: $0 identify | fill DIR" >&2; exit 2 ;;
esac
