#!/usr/bin/env bash
# Installs the Debian packages drh needs, only those that are missing.
# Every entry point of the Makefile calls this first; when everything is
# present it prints nothing and costs one dpkg-query.
#
#   mk/deps.sh [GROUP...]   groups: build (default), test, servers, fuzz, bench
set -euo pipefail

build_pkgs=(build-essential pkg-config libcurl4-openssl-dev libssl-dev
    libcjson-dev libxml2-dev libpq-dev libmariadb-dev libcunit1-dev
    python3 python3-botocore tzdata)
test_pkgs=(awscli valgrind chromium prometheus-node-exporter libxml2-utils)
server_pkgs=(postgresql mariadb-server)
fuzz_pkgs=(clang libclang-rt-14-dev)
bench_pkgs=(rclone time)

want=()
[ $# -eq 0 ] && set -- build
for group in "$@"; do
    case "$group" in
        build) want+=("${build_pkgs[@]}") ;;
        test) want+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
        servers) want+=("${server_pkgs[@]}") ;;
        fuzz) want+=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
        bench) want+=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
        *) echo "mk/deps.sh: unknown group '$group' (build, test, servers, fuzz, bench)" >&2; exit 2 ;;
    esac
done

missing=()
for pkg in "${want[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "drh: installing missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "drh: cannot install packages: not root" >&2
    echo "HINT: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 3
fi
export DEBIAN_FRONTEND=noninteractive
# Installing postgresql or mariadb-server would start the system's own
# servers; drh starts its own on 127.0.0.1 and stops them, so keep apt from
# starting any daemon (unless the machine already has a policy of its own).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# drh mk/deps.sh: no daemons started during install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
fi
# One update, then the install; quiet unless it fails.
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "drh: apt-get failed installing: ${missing[*]}" >&2
    exit 3
fi
rm -f "$log"
