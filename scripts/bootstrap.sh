#!/usr/bin/env bash
# Sets up everything the kiosk needs on Debian 12: system packages, the virtualenv at .venv,
# the Python dependencies and the compiled translation catalogs. Safe to run again: each step
# is skipped when what it makes is already there and up to date (the Python step reruns
# when pyproject.toml or the set of top-level packages changes).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv xvfb xauth xdotool libegl1 libmtdev1 libzbar0 libusb-1.0-0 fonts-wqy-microhei)

log() { printf 'bootstrap: %s\n' "$*" >&2; }

install_system_packages() {
    command -v dpkg-query >/dev/null || { log "not a Debian system: skipping apt packages"; return; }
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python_packages() {
    if [ ! -x .venv/bin/python ]; then
        log "creating .venv"
        python3 -m venv .venv
    fi
    local stamp=.venv/.kiosk-deps
    local want
    want=$({ cat pyproject.toml; ls -d -- */__init__.py; } | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "installing Python dependencies into .venv"
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e '.[dev]'
        echo "$want" > "$stamp"
    fi
}

compile_catalogs() {
    [ -d assets/locale ] || return 0
    .venv/bin/python -m kiosk.i18n_compile
}

install_system_packages
install_python_packages
compile_catalogs
