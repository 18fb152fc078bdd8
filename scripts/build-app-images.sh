#!/usr/bin/env bash
# Builds the image archives of the image builder's demos and tests into var/images/ (format
# in docs/imaging.md: zstd-compressed tar, manifest first, sha256 of the file):
#   tiny-<version>.tar.zst      the tiny OS, from var/guest (scripts/build-guest-image.sh)
#   web-1.0.0.tar.zst           busybox httpd serving /www              (scripts/apps/web)
#   kv-1.0.0.tar.zst            key-value store over TCP, busybox nc    (scripts/apps/kv)
#   firewall-<version>.tar.zst  iptables and netfilter modules, Debian  (scripts/apps/firewall)
#   index.json                  name, version, kind, file, sha256 and size of each
# Needs the build (packages/imaging/dist) and the guest image. Idempotent: when the inputs
# are unchanged it returns at once.
#   scripts/build-app-images.sh [--force]    GRIDPLANE_IMAGES_DIR overrides the output dir
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${GRIDPLANE_IMAGES_DIR:-$repo/var/images}
guest=${GRIDPLANE_GUEST_DIR:-$repo/var/guest}
work="$out/work"
tool="$repo/packages/imaging/dist/cli/image-tool.js"
force=0
[ "${1:-}" = "--force" ] && force=1

log() { printf 'app-images: %s\n' "$*"; }

[ -s "$guest/manifest.json" ] || { log "no guest image in $guest: run scripts/build-guest-image.sh"; exit 1; }
[ -f "$tool" ] || { log "no $tool: run npm run build"; exit 1; }

mkdir -p "$work"
exec 9>"$out/.lock"
flock 9

inputs_hash() {
  {
    (cd "$repo" && find scripts/build-app-images.sh scripts/apps packages/imaging/src/archive \
      -type f -print0 | sort -z | xargs -0 sha256sum)
    cat "$guest/.inputs" 2>/dev/null || sha256sum "$guest/manifest.json"
  } | sha256sum | cut -d' ' -f1
}
if [ $force -eq 0 ] && [ -s "$out/index.json" ] && [ "$(cat "$out/.inputs" 2>/dev/null)" = "$(inputs_hash)" ]; then
  log "up to date in $out"
  exit 0
fi

rm -f "$out"/*.tar.zst "$out/index.json"
entries=()
pack() { # pack STAGE_DIR: archives it as <name>-<version>.tar.zst and records it
  local name version
  name=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).name)' "$1/manifest.json")
  version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).version)' "$1/manifest.json")
  chown -R 0:0 "$1/rootfs" # files in the guest belong to root, whoever checked the sources out
  entries+=("$(node "$tool" pack "$1" "$out/$name-$version.tar.zst")")
  log "$name $version"
}

# ---- the tiny OS: its tree, boot files and a manifest converted from the guest build's ----
rm -rf "$work/tiny"
mkdir -p "$work/tiny/rootfs" "$work/tiny/boot"
tar -xf "$guest/rootfs.tar" -C "$work/tiny/rootfs" --numeric-owner --same-permissions
cp "$guest/vmlinux" "$guest/initrd.img" "$work/tiny/boot/"
node "$repo/scripts/apps/tiny/manifest.mjs" "$guest/manifest.json" "$work/tiny/manifest.json"
pack "$work/tiny"

# ---- application images kept as source trees ----
for app in web kv; do
  rm -rf "${work:?}/$app"
  cp -a "$repo/scripts/apps/$app" "$work/$app"
  pack "$work/$app"
done

# ---- the firewall image, from Debian packages ----
bash "$repo/scripts/apps/firewall/build.sh" "$work/firewall" "$guest/manifest.json" "$work/debs"
pack "$work/firewall"

printf '%s\n' "${entries[@]}" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const images = lines.map(({ path, ...rest }) => ({ ...rest, file: require("path").basename(path) }));
  process.stdout.write(JSON.stringify({ images }, null, 2) + "\n");
' >"$out/index.json"
rm -rf "$work/tiny" "$work/web" "$work/kv" "$work/firewall"
inputs_hash >"$out/.inputs"
log "built in $out: $(cd "$out" && du -sh ./*.tar.zst | tr '\t\n' ': ')"
