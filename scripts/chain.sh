#!/bin/sh
# Local Ethereum node for `make run`: ganache (pinned in package.json) with its chain kept
# in var/chain, so anchored reports survive restarts. Listens on 127.0.0.1:${CHAIN_PORT:-8545}.
#
# The node is exec'd, so this script's PID is ganache's PID and scripts/runlocal.py can stop it. A
# previous node still shutting down holds the database lock, so wait for it first.
set -eu

cd "$(dirname "$0")/.."

GANACHE=node_modules/.bin/ganache
DB_DIR=var/chain
PID_FILE=var/chain.pid
PORT="${CHAIN_PORT:-8545}"
WAIT_SECONDS="${CHAIN_WAIT_SECONDS:-30}"

if [ ! -x "$GANACHE" ]; then
    echo "chain.sh: $GANACHE not found; run \`npm ci\` (or \`make run\`, which does)" >&2
    exit 1
fi

mkdir -p "$DB_DIR"

if [ -f "$PID_FILE" ]; then
    old_pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    case "$old_pid" in
        ''|*[!0-9]*) old_pid="" ;;
    esac
    # Only a live process that is ganache counts (the PID may have been reused).
    if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null \
        && { tr '\0' ' ' < "/proc/$old_pid/cmdline" 2>/dev/null \
             || ps -o args= -p "$old_pid" 2>/dev/null; } | grep -q ganache; then
        echo "chain.sh: waiting for the previous node (pid $old_pid) to exit..." >&2
        waited=0
        while kill -0 "$old_pid" 2>/dev/null; do
            if [ "$waited" -ge "$WAIT_SECONDS" ]; then
                echo "chain.sh: the previous node (pid $old_pid) is still running after" \
                    "${WAIT_SECONDS}s and holds $DB_DIR; stop it (kill $old_pid) and retry" >&2
                exit 1
            fi
            sleep 1
            waited=$((waited + 1))
        done
    fi
fi

echo $$ > "$PID_FILE"
exec "$GANACHE" \
    --database.dbPath "$DB_DIR" \
    --server.host 127.0.0.1 \
    --server.port "$PORT" \
    --chain.chainId 1337 \
    --chain.hardfork shanghai \
    --wallet.deterministic \
    --miner.blockTime 0 \
    --logging.quiet
