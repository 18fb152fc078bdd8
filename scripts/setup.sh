#!/usr/bin/env bash
# Installs what Gridplane needs on a fresh Debian 12 machine, as root, and builds the tree.
# Idempotent: a second run only checks. Used by `npm run test:all` (CI) and `npm run grid`.
#   scripts/setup.sh            everything (system packages, PostgreSQL, npm, build, guest images)
#   scripts/setup.sh --minimal  npm dependencies and build only (enough for a simulated grid)
set -euo pipefail
cd "$(dirname "$0")/.."
minimal=0
[ "${1:-}" = "--minimal" ] && minimal=1

log() { printf '\n== setup: %s\n' "$*"; }

# ---- system packages (Debian) ----
# Hypervisors and disk tools: qemu-system-x86 qemu-utils fdisk dosfstools e2fsprogs mtools
# Guest OS image sources: busybox-static cpio zstd xz-utils (the kernel is extracted, not installed)
# libvirt driver: libvirt-daemon-system libvirt-clients
# Console tests: chromium    Stores: postgresql    Network tests: iproute2    Benchmarks: wrk
# NoCloud seed test: python3-yaml (cloud-init's YAML parser reads the seed back)
SYSTEM_PACKAGES=(
  qemu-system-x86 qemu-utils fdisk dosfstools e2fsprogs mtools
  busybox-static cpio zstd xz-utils
  libvirt-daemon-system libvirt-clients
  chromium postgresql iproute2 procps wrk
  python3-yaml
)

install_system_packages() {
  local missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# ---- PostgreSQL on 127.0.0.1:5432 (tests create their own databases in it) ----
start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432; then return; fi
  local version
  version=$(ls /etc/postgresql | sort -n | tail -1)
  log "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  # A cluster we had to start ourselves is a fresh Debian one: give the postgres role the
  # password the tests use (GRIDPLANE_TEST_POSTGRES); where the server trusts local
  # connections the password is simply not asked for.
  su postgres -c "psql -q -c \"alter user postgres password 'postgres'\""
}

# ---- /dev/kvm as Debian's udev rule leaves it (root:kvm 0660) ----
# Without udev (containers) it stays root-only: libvirt then finds KVM usable when probing
# QEMU as root but not for its QEMU user (libvirt-qemu, group kvm), judges its capability
# cache stale on every call and re-probes QEMU forever (docs/libvirt-driver.md).
kvm_device_group() {
  if [ -c /dev/kvm ] && getent group kvm >/dev/null; then
    chgrp kvm /dev/kvm && chmod 660 /dev/kvm
  fi
}

# ---- npm dependencies and the build ----
install_npm() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund
  fi
  log "build"
  npm run build
}

if [ $minimal -eq 0 ]; then
  install_system_packages
  kvm_device_group
  start_postgres
fi
install_npm
if [ $minimal -eq 0 ]; then
  # ---- guest OS image and application images (var/guest, var/images) ----
  [ -x scripts/build-guest-image.sh ] && { log "guest OS image"; bash scripts/build-guest-image.sh; }
  [ -x scripts/build-app-images.sh ] && { log "application images"; bash scripts/build-app-images.sh; }
fi
log "done"
