#!/bin/sh
# Run a command inside a throw-away, unlocked Secret Service keyring (gnome-keyring on a private
# D-Bus session), as CI and the real-keyring tests need it. Nothing touches the caller's keyring.
# usage: scripts/with-keyring.sh python -m pytest -q tests/auth -m keyring
# needs: dbus-run-session (dbus-daemon) and gnome-keyring (apt-get install gnome-keyring)
set -eu
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT; mkdir -m 700 "$T/run"
# The backend is pinned so that a broken setup fails loudly instead of falling back.
env -u DBUS_SESSION_BUS_ADDRESS XDG_DATA_HOME="$T/data" XDG_RUNTIME_DIR="$T/run" \
  PYTHON_KEYRING_BACKEND=keyring.backends.SecretService.Keyring \
  dbus-run-session -- sh -c 'printf %s ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null
                             exec "$@"' sh "$@"
