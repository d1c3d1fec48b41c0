#!/usr/bin/env bash
# Installs what building and testing s32sim needs on Debian 12, and nothing
# when it is all there already (so it is cheap to call from every script).
#   --cluster  also what the one-node Slurm of scripts/cluster/slurm-local.sh needs
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libsystemc-dev
  libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy python3-matplotlib
  zlib1g-dev
  man-db
  clang-14 libclang-rt-14-dev
)
# Only the cluster path of scripts/study.py needs these; a plain build does not.
if [ "${1:-}" = "--cluster" ]; then
  packages+=(slurm-wlm munge)
fi
# The translating engine emits x86-64 code with asmjit; other hosts interpret.
if [ "$(uname -m)" = x86_64 ]; then
  packages+=(libasmjit-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
