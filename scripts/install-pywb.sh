#!/usr/bin/env bash
# pywb (the Webrecorder replay server, with its CDX server) in its own virtualenv,
# .venv-pywb beside this repository: pywb pins old versions of packages the
# project also uses. The web-archive tests run it on 127.0.0.1 as a local Wayback.
# Idempotent: does nothing when the pinned version is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VERSION=2.10.0
VENV=.venv-pywb
if [ -x "$VENV/bin/wayback" ] && [ "$("$VENV/bin/python" -c 'import pywb; print(pywb.__version__)' 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "pywb==$VERSION"
"$VENV/bin/python" -c 'import pywb; print("pywb", pywb.__version__, "installed in .venv-pywb")'
