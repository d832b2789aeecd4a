#!/usr/bin/env bash
# `pnpm bench:gpu`: trains the MNIST MLP and CNN for a fixed number of steps on 'cpu' and on 'gpu' in every
# gpu.js mode that starts on this machine (apps/mnist/bench/gpu-training.ts), printing steps/s, peak device
# memory and the adapter. Installs what it needs, each step bounded so the whole run stays under 10 minutes:
#   - apt (as root, where a mirror answers): the Vulkan loader Dawn uses to reach the machine's GPU, and
#     headless-gl's build tools, X libraries and Xvfb;
#   - headless-gl (gl@8.1.6, compiled from source) into .cache/bench-gpu, found by gpu.js through NODE_PATH.
# A mode that cannot start is reported as unavailable with the reason; it does not stop the others.
# Arguments go to the benchmark: --steps N (MLP steps; the CNN runs N/4), --batch N, --targets cpu,webasm,...
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS
log() { echo "bench-gpu: $* ($((SECONDS - started)) s)" >&2; }

command -v pnpm >/dev/null || npm install -g pnpm@10.34.9 >/dev/null
pnpm install --frozen-lockfile --reporter=silent || exit 1
pnpm exec turbo run build --filter=@nn/example-mnist... --output-logs=errors-only || exit 1
log "built"

APT_PACKAGES=(libvulkan1 build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev
  libgl1-mesa-dev libglu1-mesa-dev libglew-dev libgl1-mesa-dri xvfb xauth)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    { timeout 60 apt-get update -q && DEBIAN_FRONTEND=noninteractive timeout 180 apt-get install -y -q \
      --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1 ||
      log "apt could not install ${missing[*]} (no mirror?); headless-gl may be left out"
  fi
  log "apt done"
fi

GL_DIR="$PWD/.cache/bench-gpu"
if [ ! -f "$GL_DIR/node_modules/gl/package.json" ]; then
  mkdir -p "$GL_DIR" && echo '{ "private": true }' >"$GL_DIR/package.json"
  # npm must not see pnpm's npm_config_* settings of this run (it fails on pnpm's `overrides`)
  mapfile -t pnpm_settings < <(env | grep -o '^npm_config_[^=]*' | sed 's/^/-u/')
  (cd "$GL_DIR" && env "${pnpm_settings[@]}" JOBS="$(nproc)" timeout 300 \
    npm install --no-audit --no-fund gl@8.1.6 >build.log 2>&1) ||
    { log "headless-gl did not build (see $GL_DIR/build.log)"; rm -rf "$GL_DIR/node_modules/gl"; }
  log "headless-gl step done"
fi
export NODE_PATH="$GL_DIR/node_modules"

runner=()
command -v xvfb-run >/dev/null && runner=(xvfb-run -a -s "-ac -screen 0 1280x1024x24")
timeout 300 "${runner[@]}" pnpm --filter @nn/example-mnist --silent bench:gpu "$@"
log "finished"
