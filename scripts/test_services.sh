#!/usr/bin/env bash
# Install the Debian packages the tests drive as real services, each only when missing:
#   - PostgreSQL server binaries: tests/storage/conftest.py starts a throwaway cluster from
#     them (this script never starts or enables a server);
#   - Chromium and its WebDriver: tests/web drives the Persian web UI in headless Chromium;
#   - wrk: the HTTP load tool of benchmarks/api_load.py (not run by the tests).
# Needs root (or passwordless sudo) only when it has to install.
set -euo pipefail

have_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null
}

missing=()
have_postgres || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v wrk >/dev/null || missing+=(wrk)

if [ ${#missing[@]} -eq 0 ]; then
  echo "PostgreSQL, Chromium, chromedriver and wrk found; nothing to install"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "missing ${missing[*]} and no apt-get: install them (PostgreSQL's initdb and pg_ctl," \
    "chromium, chromedriver, wrk), or set KARYAB_TEST_POSTGRES_URL for the store tests" >&2
  exit 2
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo -n"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# Debian's postgresql package would create and start a cluster on install; keep it from
# starting one (policy-rc.d), since the tests run their own.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
status=0
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
if [ -n "$created_policy" ]; then
  $sudo rm -f "$policy"
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
have_postgres || { echo "installed postgresql but found no initdb" >&2; exit 1; }
echo "installed ${missing[*]}"
