#!/usr/bin/env bash
# Installs Debian/Ubuntu packages with apt-get, through sudo when not root:
#   bash tools/apt-install.sh "WHAT (for messages)" PACKAGE...
set -euo pipefail
what="$1"
shift
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: $what is missing and this is not a Debian/Ubuntu system; install it yourself" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing $what ($*) with apt-get" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
