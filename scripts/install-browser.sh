#!/usr/bin/env bash
# Install Debian's Chromium (and ChromeDriver) for the browser tests in tests/browser/.
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo)
# and a reachable Debian mirror; the pip playwright package cannot download browsers here.
exec "$(dirname "$0")/apt-install.sh" install-browser /usr/bin/chromium chromium chromium-driver
