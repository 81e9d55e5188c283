#!/usr/bin/env bash
# tests/hv/deps.sh [--check]
# Makes sure the tools that boot hv on Bochs from a GRUB ISO are installed:
# Bochs with its BIOSes (bochs, bochs-term, bochsbios, vgabios), GRUB for
# BIOS ISOs (grub-common, grub-pc-bin) and xorriso. Missing Debian packages
# are installed with apt-get, saying which. With --check it only reports
# (exit 1 if something is missing).
set -u
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_cmd bochs || need+=(bochs bochs-term)
[ -e /usr/share/bochs/BIOS-bochs-latest ] || need+=(bochsbios)
[ -e /usr/share/vgabios/vgabios.bin ] || need+=(vgabios)
have_cmd grub-mkrescue || need+=(grub-common)
[ -d /usr/lib/grub/i386-pc ] || need+=(grub-pc-bin)
have_cmd xorriso || need+=(xorriso)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then
    echo "missing Debian packages: ${need[*]}"
    exit 1
fi
echo "hv needs Debian packages that are not installed: installing ${need[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
if ! $sudo apt-get install -y --no-install-recommends "${need[@]}" >/tmp/hv-deps.log 2>&1; then
    $sudo apt-get update >>/tmp/hv-deps.log 2>&1
    $sudo apt-get install -y --no-install-recommends "${need[@]}" >>/tmp/hv-deps.log 2>&1 || {
        echo "could not install ${need[*]} (see /tmp/hv-deps.log)" >&2
        exit 1
    }
fi
echo "installed ${need[*]}"
