#!/usr/bin/env bash
# Stages the firewall application image: iptables (legacy) from Debian packages with the
# shared libraries it needs (the tiny OS has no C library), its extensions, and the
# netfilter kernel modules of the tiny OS's kernel with a modules.dep, so the kernel loads
# them on demand through busybox modprobe. It provides the `firewall` component the image
# builder requires for firewall rules, and works only with the tiny OS it was built for.
#   build.sh STAGE_DIR GUEST_MANIFEST DEBS_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stage=$1 guest_manifest=$2 debs=$3
release=$(node -e 'const v=JSON.parse(require("fs").readFileSync(process.argv[1])).version; const m=/\+linux\.([^.]+(?:\.[^.]+)*?-amd64)/.exec(v); if(!m) process.exit(1); console.log(m[1])' "$guest_manifest")
tiny_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' "$guest_manifest")
packages=(iptables libxtables12 libip4tc2 libip6tc2 libc6 "linux-image-$release")

mkdir -p "$debs"
for p in "${packages[@]}"; do
  compgen -G "$debs/${p}_*.deb" >/dev/null || (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "$p" >/dev/null)
done
unpacked="$stage.debs"
rm -rf "$stage" "$unpacked"
mkdir -p "$unpacked"
for p in "${packages[@]}"; do
  debs_of=("$debs/${p}"_*.deb)
  dpkg -x "${debs_of[-1]}" "$unpacked"
done

root="$stage/rootfs"
lib=lib/x86_64-linux-gnu
ulib=usr/lib/x86_64-linux-gnu
mkdir -p "$root/$lib" "$root/$ulib" "$root/lib64" "$root/usr/sbin"
copy() { cp -a "$unpacked/$1" "$root/$1"; }
copy "$lib/ld-linux-x86-64.so.2"
copy "$lib/libc.so.6"
ln -s "/$lib/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"
for l in libxtables.so.12 libip4tc.so.2 libip6tc.so.2; do
  cp -a "$unpacked/$ulib/$l"* "$root/$ulib/"
done
mkdir -p "$root/$ulib/xtables"
cp -a "$unpacked/$ulib/xtables/"libxt_*.so "$unpacked/$ulib/xtables/"libipt_*.so "$root/$ulib/xtables/"
copy usr/sbin/xtables-legacy-multi
for tool in iptables iptables-save iptables-restore; do
  ln -s xtables-legacy-multi "$root/usr/sbin/$tool"
done

moddir="$unpacked/lib/modules/$release/kernel"
module_path() { find "$moddir" -name "$1.ko" -print -quit; }
module_deps() { busybox strings "$1" | sed -n 's/^depends=//p' | tr ',' ' '; }
declare -A added=()
add_module() {
  local name=$1 file dep
  [ -n "${added[$name]:-}" ] && return 0
  file=$(module_path "$name")
  [ -n "$file" ] || { echo "firewall: kernel module $name not found" >&2; exit 1; }
  added[$name]=1
  for dep in $(module_deps "$file"); do add_module "$dep"; done
  mkdir -p "$root/lib/modules/$release/$(dirname "${file#"$unpacked/lib/modules/$release/"}")"
  cp "$file" "$root/lib/modules/$release/${file#"$unpacked/lib/modules/$release/"}"
}
while read -r m; do
  case "$m" in '' | '#'*) continue ;; esac
  add_module "$m"
done <"$here/modules.list"
busybox depmod -b "$root" "$release"
rm -rf "$unpacked"

iptables_version=$(dpkg-deb -f "$(ls "$debs"/iptables_*.deb | tail -1)" Version | sed 's/-[^-]*$//')
node "$here/manifest.mjs" "$iptables_version" "$release" "$tiny_version" >"$stage/manifest.json"
