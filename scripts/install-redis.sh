#!/usr/bin/env bash
# Install Debian's redis-server for the distributed-crawl tests (tests/test_distributed*.py start
# their own server on a free port; the package's service is not needed). Idempotent: does nothing
# when /usr/bin/redis-server is already there. Needs root (or sudo) and a reachable Debian mirror.
exec "$(dirname "$0")/apt-install.sh" install-redis /usr/bin/redis-server redis-server
