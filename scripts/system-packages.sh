#!/bin/sh
# Install the Debian packages that the given roles need and that are missing.
#
#   scripts/system-packages.sh ROLE...     roles from scripts/system-packages.txt
#
# Nothing missing: exits 0 at once. Missing: installs them with apt-get when run as root,
# with `sudo -n apt-get` when sudo needs no password, and otherwise prints the one command
# to run and exits 2. The installs never start system-wide servers: the project starts its
# own PostgreSQL and Redis in project-local folders.
set -eu

here="$(dirname "$0")"
# The tests point this at a list of their own.
list="${AUTHPLATFORM_SYSTEM_PACKAGES_LIST:-$here/system-packages.txt}"

if [ ! -r "$list" ]; then
    echo "system-packages: can't read $list" >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    echo "usage: $0 ROLE... (roles: app services test)" >&2
    exit 2
fi

wanted=""
for role in "$@"; do
    found="$(sed -e 's/#.*//' "$list" | awk -v role="$role" '$2 == role { print $1 }')"
    if [ -z "$found" ]; then
        echo "system-packages: unknown role '$role' (see $list)" >&2
        exit 2
    fi
    wanted="$wanted $found"
done
# `python3 -m venv` needs ensurepip, which Debian ships apart from its python3.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    wanted="$wanted python3-venv"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-packages: this is not a Debian-like system (no dpkg-query)." >&2
    echo "Install the equivalents of:$wanted" >&2
    echo "then set AUTHPLATFORM_SKIP_SYSTEM_PACKAGES=1 and run the command again." >&2
    [ "${AUTHPLATFORM_SKIP_SYSTEM_PACKAGES:-}" = 1 ] && exit 0
    exit 2
fi

missing=""
for package in $wanted; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    case "$status" in
        *" installed") ;;
        *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo="sudo -n"
else
    echo "system-packages: missing Debian packages:$missing" >&2
    echo "Run this once, then the same make command again:" >&2
    echo "" >&2
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
    echo "" >&2
    exit 2
fi

echo "system-packages: installing$missing" >&2
# Keep the packages from starting system-wide servers (postgresql's main cluster, redis on
# 6379) while they install: policy-rc.d answering 101 forbids service starts.
policy=/usr/sbin/policy-rc.d
added_policy=""
if [ ! -e "$policy" ]; then
    $sudo sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
    added_policy=1
    trap '$sudo rm -f "$policy"' EXIT INT TERM
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086 # the package list is meant to split
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
if [ -n "$added_policy" ]; then
    $sudo rm -f "$policy"
    trap - EXIT INT TERM
fi
