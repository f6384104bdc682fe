#!/usr/bin/env bash
# Installs what opsgate's demo and tests need on a Debian machine, as root, and only what is missing:
# the Debian packages opsgate itself runs, the site lab's (their daemons kept from starting in the root
# namespace), the tests' own tools, node_modules, and the compiled build (dist/).
set -euo pipefail
cd "$(dirname "$0")/.."

# opsgate itself: rpm2cpio and cpio read oceanbase_upgrade_dep.yml out of the target oceanbase-ce RPM when an
# OceanBase upgrade is planned (src/adapters/files/read-upgrade-dep-file.ts); the charts' text is set in DejaVu
# Sans, which resvg loads from the system (src/adapters/charts/svg-to-png.ts).
RUNTIME_PACKAGES=(rpm2cpio cpio fonts-dejavu-core)
# The tests only: rpmbuild (in Debian's rpm) builds a real oceanbase-ce-shaped RPM for the reader's test.
TEST_PACKAGES=(rpm)
# sudo: the lab's login-ops variant logs in as an unprivileged user that becomes root with it.
LAB_PACKAGES=(openssh-server openssh-client redis-server keepalived bind9 bind9-dnsutils zookeeper zookeeperd nginx
  python3 python3-kazoo procps psmisc iproute2 openssl unzip zip bc util-linux sudo)

missing=()
for pkg in "${RUNTIME_PACKAGES[@]}" "${LAB_PACKAGES[@]}" "${TEST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
  echo "setup: installing ${missing[*]}"
  # The lab starts these daemons inside its own hosts; none must start in the root namespace.
  made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if ((made_policy)); then rm -f /usr/sbin/policy-rc.d; fi
fi

# node_modules: installed from the lock file when absent or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

# dist/: the compiled JavaScript that bin/opsgate.js runs, built when absent or older than src/.
if [[ $(node --input-type=module -e "import { distFreshness } from './bin/dist-freshness.js';
console.log(distFreshness(process.cwd()).state)") != fresh ]]; then
  npm run build
fi
