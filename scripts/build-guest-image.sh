#!/usr/bin/env bash
# Builds the tiny guest OS image from Debian packages, unattended, into var/guest/:
#   vmlinux        uncompressed kernel (direct kernel boot; ~3 s to userspace under TCG)
#   initrd.img     busybox initramfs: loads the virtio/ext4/vfat/console/net/button modules,
#                  mounts root= and switch_roots
#   rootfs.tar     the tiny OS root filesystem tree (busybox, init scripts)
#   tiny.qcow2     that tree as an ext4 filesystem on the whole disk (root=/dev/vda)
#   manifest.json  name, version, kind, components with their paths, boot parameters
# The kernel and busybox are downloaded as .deb files and unpacked with dpkg -x under
# var/guest/work; nothing is installed on the host. Idempotent: when the outputs exist and
# this script and scripts/guest/ are unchanged, it returns at once without the network.
#   scripts/build-guest-image.sh [--force]     GRIDPLANE_GUEST_DIR overrides the output dir
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
src="$repo/scripts/guest"
out=${GRIDPLANE_GUEST_DIR:-$repo/var/guest}
work="$out/work"
force=0
[ "${1:-}" = "--force" ] && force=1

log() { printf 'guest-image: %s\n' "$*"; }

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9

inputs_hash() {
  (cd "$repo" && find scripts/build-guest-image.sh scripts/guest -type f -print0 | sort -z |
    xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}
outputs=(vmlinux initrd.img rootfs.tar tiny.qcow2 manifest.json)
up_to_date() {
  [ -f "$out/.inputs" ] && [ "$(cat "$out/.inputs")" = "$(inputs_hash)" ] || return 1
  for f in "${outputs[@]}"; do [ -s "$out/$f" ] || return 1; done
}
if [ $force -eq 0 ] && up_to_date; then
  log "up to date in $out"
  exit 0
fi

# ---- Debian packages: the kernel the linux-image-amd64 metapackage names, and busybox ----
apt_download() { # downloads package $1 into $work/debs unless a .deb of it is there
  compgen -G "$work/debs/${1}_*.deb" >/dev/null && return 0
  (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "$1" >/dev/null)
}
mkdir -p "$work/debs"
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  log "apt-get update (no package lists)"
  apt-get update -qq
fi
kernel_pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ && !n++ {print $2}')
[ -n "$kernel_pkg" ] || { log "cannot resolve linux-image-amd64"; exit 1; }
log "packages: $kernel_pkg busybox-static"
apt_download "$kernel_pkg"
apt_download busybox-static

rm -rf "$work/kernel" "$work/busybox" "$work/stage"
kernel_debs=("$work/debs/${kernel_pkg}"_*.deb)
busybox_debs=("$work/debs/busybox-static"_*.deb)
dpkg -x "${kernel_debs[-1]}" "$work/kernel"
dpkg -x "${busybox_debs[-1]}" "$work/busybox"
kernel_release=${kernel_pkg#linux-image-}
moddir="$work/kernel/lib/modules/$kernel_release/kernel"
busybox="$work/busybox/bin/busybox"
busybox_version=$("$busybox" | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
stage="$work/stage"
mkdir -p "$stage"

# ---- vmlinux ----
log "extracting vmlinux from vmlinuz-$kernel_release"
bash "$src/extract-vmlinux.sh" "$work/kernel/boot/vmlinuz-$kernel_release" "$stage/vmlinux"

# ---- initrd.img: busybox, the modules in dependency order, /init ----
module_path() { find "$moddir" -name "$1.ko" -print -quit; }
module_deps() { "$busybox" strings "$1" | sed -n 's/^depends=//p' | tr ',' ' '; }
ordered_modules=()
add_module() { # appends $1 after its dependencies, once
  local name=$1 file dep
  for m in "${ordered_modules[@]}"; do [ "$m" = "$name" ] && return 0; done
  file=$(module_path "$name")
  [ -n "$file" ] || { log "kernel module $name not found"; exit 1; }
  for dep in $(module_deps "$file"); do add_module "$dep"; done
  ordered_modules+=("$name")
}
while read -r m; do
  case "$m" in '' | '#'*) continue ;; esac
  add_module "$m"
done <"$src/modules.list"

initrd="$work/initrd"
rm -rf "$initrd"
mkdir -p "$initrd"/{bin,dev,proc,sys,etc,lib/modules,newroot}
cp "$busybox" "$initrd/bin/busybox"
ln -s busybox "$initrd/bin/sh"
cp "$src/initrd-init.sh" "$initrd/init"
chmod 0755 "$initrd/init"
: >"$initrd/etc/modules"
for m in "${ordered_modules[@]}"; do
  cp "$(module_path "$m")" "$initrd/lib/modules/$m.ko"
  echo "$m" >>"$initrd/etc/modules"
done
mknod -m 600 "$initrd/dev/console" c 5 1
# Uncompressed: the kernel unpacks it faster than it inflates gzip under TCG (~0.2 s a boot).
find "$initrd" -exec touch -h -d @0 {} +
(cd "$initrd" && find . -print0 | sort -z | cpio --null -o -H newc --quiet --reproducible) >"$stage/initrd.img"
log "initrd: ${#ordered_modules[@]} modules (${ordered_modules[*]})"

# ---- rootfs tree: busybox with every applet linked where busybox installs it ----
rootfs="$work/rootfs"
rm -rf "$rootfs"
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,run,tmp,root,var/log,var/www,mnt}
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
"$busybox" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] && continue
  mkdir -p "$rootfs/$(dirname "$applet")"
  ln -sf /bin/busybox "$rootfs/$applet"
done
(cd "$src/rootfs" && find . -name .keep -prune -o -print | cpio -pdm --quiet "$rootfs")
mkdir -p "$rootfs/usr/share/doc/busybox"
cp "$work/busybox/usr/share/doc/busybox-static/copyright" "$rootfs/usr/share/doc/busybox/copyright"
chmod 0640 "$rootfs/etc/shadow"
# Reproducible (sorted, fixed owners and times): an unchanged tree gives the same tar.
tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$rootfs" -cf "$stage/rootfs.tar" .

# ---- tiny.qcow2: ext4 of the tree on the whole disk, 1 GiB virtual ----
# Disks cloned from tiny.qcow2 name it as their backing file: it is only rebuilt (and
# replaced) when the tree changed, so a rebuild for another reason leaves clones valid.
if [ -s "$out/tiny.qcow2" ] && cmp -s "$stage/rootfs.tar" "$out/rootfs.tar"; then
  log "tiny.qcow2 unchanged"
  cp --reflink=auto "$out/tiny.qcow2" "$stage/tiny.qcow2"
else
  log "tiny.qcow2"
  mkfs.ext4 -q -F -L rootfs -E root_owner=0:0 -d "$rootfs" "$work/tiny.raw" 1G >/dev/null
  qemu-img convert -q -f raw -O qcow2 "$work/tiny.raw" "$stage/tiny.qcow2"
  rm -f "$work/tiny.raw"
fi

# ---- manifest.json ----
node "$src/write-manifest.mjs" "$rootfs" "$src/components.json" "$stage/manifest.json" \
  "$kernel_release" "$busybox_version"

# Only changed files are replaced (a running guest or a clone keeps what it opened).
for f in "${outputs[@]}"; do
  if cmp -s "$stage/$f" "$out/$f"; then rm -f "$stage/$f"; else mv -f "$stage/$f" "$out/$f"; fi
done
inputs_hash >"$out/.inputs"
log "built in $out: $(cd "$out" && du -sh "${outputs[@]}" | tr '\t\n' ': ')"
