#!/usr/bin/env bash
# Install Debian's Chromium (and ChromeDriver) for the browser tests in tests/browser/.
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo)
# and a reachable Debian mirror; the pip playwright package cannot download browsers here.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-browser: installing chromium needs root: run 'sudo $0' (or apt-get install chromium chromium-driver)" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found: install Chromium yourself so that $CHROMIUM exists" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-browser: apt-get update"
if ! $SUDO apt-get update -q; then
    echo "install-browser: 'apt-get update' failed: check the network and the Debian mirror in /etc/apt/sources.list*" >&2
    exit 1
fi
echo "install-browser: apt-get install chromium chromium-driver"
if ! $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver; then
    echo "install-browser: 'apt-get install chromium chromium-driver' failed: see apt's message above" >&2
    exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: apt-get finished but $CHROMIUM is missing: the chromium package layout changed?" >&2
    exit 1
fi
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
