#!/bin/busybox sh
# Gridplane initramfs /init: loads the kernel modules the tiny OS needs (list in
# /etc/modules, dependencies first), waits for the root device named by root= (a device
# path such as /dev/vda or /dev/vda2, or LABEL=/UUID=), mounts it and switch_roots to its
# /sbin/init. Kernel parameters read: root= rootfstype= (default ext4) rootflags= ro|rw
# (default rw) rootwait= (seconds, default 10) init= (default /sbin/init).
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
  echo "GRIDPLANE-BOOT-FAILED $*" >/dev/console
  sync
  poweroff -f
}

while read -r mod; do
  insmod "/lib/modules/$mod.ko" 2>/dev/null || echo "initrd: cannot load $mod" >/dev/console
done </etc/modules

root=
fstype=ext4
flags=
mode=rw
wait=10
init=/sbin/init
for arg in $(cat /proc/cmdline); do
  case "$arg" in
    root=*) root=${arg#root=} ;;
    rootfstype=*) fstype=${arg#rootfstype=} ;;
    rootflags=*) flags=${arg#rootflags=} ;;
    rootwait=*) wait=${arg#rootwait=} ;;
    init=*) init=${arg#init=} ;;
    ro) mode=ro ;;
    rw) mode=rw ;;
  esac
done
[ -n "$root" ] || fail "no root= on the kernel command line"

resolve() {
  case "$root" in
    LABEL=* | UUID=*) findfs "$root" 2>/dev/null ;;
    *) [ -b "$root" ] && echo "$root" ;;
  esac
}

tries=$((wait * 10))
dev=$(resolve)
while [ -z "$dev" ] && [ $tries -gt 0 ]; do
  usleep 100000
  tries=$((tries - 1))
  dev=$(resolve)
done
[ -n "$dev" ] || fail "root device $root not found"

mkdir -p /newroot
mount -t "$fstype" -o "$mode${flags:+,$flags}" "$dev" /newroot || fail "cannot mount $dev"
[ -x "/newroot$init" ] || fail "no $init on $dev"

mkdir -p /newroot/dev /newroot/proc /newroot/sys
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot "$init"
