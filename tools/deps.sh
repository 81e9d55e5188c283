#!/usr/bin/env bash
# Installs the Debian packages the tests, `make run` and `make bench` use,
# if any is missing, and says what it installs. Safe to run repeatedly.
# With --check it only reports what is missing (exit 1 if anything is).
#   qemu-system-x86  QEMU TCG: second oracle for the test kernels
#   bochs bochsbios vgabios  Bochs with VMX: runs hv and the VMX tests
#   grub-pc-bin grub-common xorriso mtools  GRUB ISOs for Bochs
#   libzydis-dev     decoder oracle for the decoder tests
#   gcc-multilib     32-bit test kernels (hv's external-kernel tests)
set -u
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in qemu-system-x86 bochs bochsbios vgabios grub-pc-bin grub-common xorriso mtools libzydis-dev \
         gcc-multilib; do
    have "$p" || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then
    echo "missing Debian packages: ${need[*]}"
    exit 1
fi
echo "deps: installing missing Debian packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null || {
    echo "deps: apt-get install failed: ${need[*]}" >&2; exit 1; }
echo "deps: installed ${need[*]}"
