#!/usr/bin/env bash
# Install Debian packages for a test dependency, idempotently:
#   scripts/apt-install.sh NAME BINARY PACKAGE...
# does nothing when BINARY is already there; otherwise apt-get installs PACKAGE... (needs root
# or passwordless sudo and a reachable Debian mirror) and checks that BINARY now exists.
# install-browser.sh and install-redis.sh are thin callers.
set -euo pipefail

name=$1 binary=$2
shift 2

if [ -x "$binary" ]; then
    echo "$name: $binary is already installed ($("$binary" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "$name: installing $* needs root: run 'sudo $0 $name $binary $*' (or apt-get install $*)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: apt-get not found: install $* yourself so that $binary exists" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "$name: apt-get update"
if ! $SUDO apt-get update -q; then
    echo "$name: 'apt-get update' failed: check the network and the Debian mirror in /etc/apt/sources.list*" >&2
    exit 1
fi
echo "$name: apt-get install $*"
if ! $SUDO apt-get install -y -q --no-install-recommends "$@"; then
    echo "$name: 'apt-get install $*' failed: see apt's message above" >&2
    exit 1
fi
if [ ! -x "$binary" ]; then
    echo "$name: apt-get finished but $binary is missing: the package layout changed?" >&2
    exit 1
fi
echo "$name: installed $("$binary" --version 2>/dev/null || echo "$binary")"
