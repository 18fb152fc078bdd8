#!/bin/sh
# Gridplane tiny OS boot sequence (run once by init, before anything else):
#  1. mounts proc, sys, dev, run, tmp; starts the power-button watcher and the statistics
#     reporter (network counters to the host, /lib/gridplane/stats-reporter)
#  2. applies the configuration volume: a vfat filesystem labelled GPCONFIG, mounted
#     read-only at /run/gridplane/config, whose apply.sh runs if present
#  3. sets the hostname from /etc/hostname
#  4. configures networking from /etc/gridplane/network
#  5. runs every executable /etc/gridplane/boot.d/* in lexical order
#  6. prints "GRIDPLANE-READY hostname=<hostname>" on the console
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
exec </dev/null >/dev/console 2>&1

log() { echo "gridplane: $*"; }

mounted() { grep -q " $1 " /proc/mounts 2>/dev/null; }
mounted /proc || mount -t proc proc /proc
mounted /sys || mount -t sysfs sysfs /sys
mounted /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mkdir -p /run/gridplane
mount -o remount,rw / 2>/dev/null
/lib/gridplane/power-button
/lib/gridplane/stats-reporter </dev/null >/dev/null 2>&1 &

config=$(findfs LABEL=GPCONFIG 2>/dev/null)
if [ -n "$config" ]; then
  mkdir -p /run/gridplane/config
  if mount -t vfat -o ro "$config" /run/gridplane/config; then
    if [ -f /run/gridplane/config/apply.sh ]; then
      log "applying configuration from $config"
      GRIDPLANE_CONFIG_DIR=/run/gridplane/config sh /run/gridplane/config/apply.sh ||
        log "apply.sh failed with status $?"
    fi
  else
    log "cannot mount configuration volume $config"
  fi
fi

[ -s /etc/hostname ] && hostname -F /etc/hostname
/lib/gridplane/network-up || log "network configuration failed"

for script in /etc/gridplane/boot.d/*; do
  [ -f "$script" ] && [ -x "$script" ] || continue
  "$script" || log "boot script $script failed with status $?"
done

echo "GRIDPLANE-READY hostname=$(hostname)"
