#!/usr/bin/env bash
# Installs the Debian python3-* packages of the corpus manifest
# (src/data/corpus/manifest.json, permissive licenses only) for
# `en2py corpus build`, with apt-get as root the way .ci/run installs its
# packages. Not run by CI: CI never builds the full corpus.
# Not root: prints the exact command to run instead.
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=$(node -e 'const m = require("./src/data/corpus/manifest.json"); console.log(m.packages.filter((p) => p.permissive).map((p) => p.name).join(" "))')
CMD="apt-get install -y --no-install-recommends $PKGS"
if [ "$(id -u)" != 0 ]; then
  echo "not root; run as root:"
  echo "  apt-get update && $CMD"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$CMD
