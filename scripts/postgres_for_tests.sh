#!/usr/bin/env bash
# Make PostgreSQL server binaries available for the store tests (tests/storage/conftest.py
# starts a throwaway cluster from them). Installs Debian's `postgresql` package with apt-get
# when no initdb is found; does not start or enable any server.
# Needs root (or passwordless sudo) only when it has to install.
set -euo pipefail

have_server() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null
}

if have_server; then
  echo "PostgreSQL server binaries found; nothing to install"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "no PostgreSQL server binaries and no apt-get: install PostgreSQL (initdb, pg_ctl)," \
    "or set KARYAB_TEST_POSTGRES_URL" >&2
  exit 2
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# Debian's package would create and start a cluster on install; keep it from starting one
# (policy-rc.d), since the tests run their own.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
status=0
$sudo apt-get install -y -q --no-install-recommends postgresql || status=$?
if [ -n "$created_policy" ]; then
  $sudo rm -f "$policy"
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
have_server || { echo "installed postgresql but found no initdb" >&2; exit 1; }
echo "PostgreSQL server binaries installed: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
