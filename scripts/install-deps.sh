#!/usr/bin/env bash
# Installs the Debian packages HipCoach builds and tests with, and the npm
# packages of the browser tests. Idempotent: when everything is present it
# installs nothing and asks no registry.
set -euo pipefail

cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build make pkg-config
  libboost1.81-dev libssl-dev zlib1g-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libsodium-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libhpdf-dev libncurses-dev libqrencode-dev
  clang-14 libclang-rt-14-dev postgresql wrk chromium nodejs npm curl python3
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    # nodejs/npm may come from outside Debian (the machine image); accept them on PATH.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--npm" ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "install-deps: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
