#!/usr/bin/env bash
# Extracts the uncompressed ELF kernel (vmlinux) from a bzImage (vmlinuz), the way the
# kernel's scripts/extract-vmlinux does: find each compressed-payload signature, decompress
# from there, and keep the first result that is an ELF file. Decompressors stop with an error
# at the trailing data after the payload; the output is still complete, so the ELF check
# decides. Usage: extract-vmlinux.sh VMLINUZ OUT
set -uo pipefail
in=$1
out=$2
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT

is_elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

try() { # try SIGNATURE-REGEX DECOMPRESSOR...
  local sig=$1
  shift
  local off
  for off in $(LC_ALL=C grep -obUaP "$sig" "$in" | cut -d: -f1); do
    tail -c +$((off + 1)) "$in" | "$@" >"$tmp" 2>/dev/null
    if [ -s "$tmp" ] && is_elf "$tmp"; then
      mv "$tmp" "$out"
      exit 0
    fi
  done
}

try '\xfd7zXZ\x00' xz -dc
try '\x1f\x8b\x08' gzip -dc
try '\x28\xb5\x2f\xfd' zstd -dcq
try 'BZh' bzip2 -dc
try '\x5d\x00\x00\x00' xz -dc --format=lzma
echo "extract-vmlinux: no known compressed kernel found in $in" >&2
exit 1
