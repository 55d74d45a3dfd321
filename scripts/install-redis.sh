#!/usr/bin/env bash
# Install Debian's redis-server for the distributed-crawl tests (tests/test_distributed*.py start
# their own server on a free port; the package's service is not needed). Idempotent: does nothing
# when /usr/bin/redis-server is already there. Needs root (or sudo) and a reachable Debian mirror.
set -euo pipefail

REDIS=/usr/bin/redis-server

if [ -x "$REDIS" ]; then
    echo "install-redis: $REDIS is already installed ($("$REDIS" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-redis: installing redis-server needs root: run 'sudo $0' (or apt-get install redis-server)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-redis: apt-get not found: install redis-server yourself so that $REDIS exists" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-redis: apt-get update"
if ! $SUDO apt-get update -q; then
    echo "install-redis: 'apt-get update' failed: check the network and the Debian mirror in /etc/apt/sources.list*" >&2
    exit 1
fi
echo "install-redis: apt-get install redis-server"
if ! $SUDO apt-get install -y -q --no-install-recommends redis-server; then
    echo "install-redis: 'apt-get install redis-server' failed: see apt's message above" >&2
    exit 1
fi
if [ ! -x "$REDIS" ]; then
    echo "install-redis: apt-get finished but $REDIS is missing: the redis-server package layout changed?" >&2
    exit 1
fi
echo "install-redis: installed $("$REDIS" --version 2>/dev/null || echo redis-server)"
