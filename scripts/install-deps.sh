#!/usr/bin/env bash
# Installs the Debian packages a build or test step needs, only those missing.
# Usage: scripts/install-deps.sh build|test|bench|all
set -euo pipefail

build_pkgs=(cmake ninja-build make g++ ccache pkg-config libboost1.81-dev nlohmann-json3-dev
            libsqlitecpp-dev libsqlite3-dev libssl-dev catch2 gcc-arm-none-eabi
            libnewlib-arm-none-eabi openssl)
test_pkgs=(curl openssl clang libclang-rt-14-dev qemu-system-arm chromium)
bench_pkgs=(nginx wrk bc python3 curl)

want=()
case "${1:-build}" in
    build) want=("${build_pkgs[@]}") ;;
    test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
    bench) want=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
    all) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
    *) echo "usage: $0 build|test|bench|all" >&2; exit 2 ;;
esac

# The dashboard is built with Node.js and npm. Any working node/npm will do (a NodeSource
# install ships npm inside its nodejs package and conflicts with Debian's npm), so they are
# asked for by command, not by package.
if ! command -v node >/dev/null; then want+=(nodejs); fi
if ! command -v npm >/dev/null; then want+=(npm); fi

missing=()
for p in "${want[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "installing Debian packages: ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
