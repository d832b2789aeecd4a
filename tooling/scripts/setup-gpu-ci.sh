#!/usr/bin/env bash
# Installs (Debian apt, as root) what @nn/backend-gpu's GPU tests need on a machine without a GPU, and sets
# the variables that make those tests run instead of being left out:
#   - chromium: headless browser for the webgl2/webgpu page tests (driven by playwright-core, never a
#     downloaded browser); it also ships SwiftShader's Vulkan ICD.
#   - libvulkan1: the Vulkan loader Dawn (npm `webgpu`) needs for its Vulkan backend.
#   - Mesa EGL/GLES (llvmpipe): Dawn's OpenGL ES backend, the faster software WebGPU adapter in Node.
# headless-gl (gl@8.1.6) is not installed: it compiles from source (~2-5 min on 2 cores) and needs Xvfb.
#
# Usage, either:
#   eval "$(bash tooling/scripts/setup-gpu-ci.sh)"      # install, then export the variables in this shell
#   bash tooling/scripts/setup-gpu-ci.sh pnpm test      # install, then run the command with the variables
set -euo pipefail

PACKAGES=(chromium libvulkan1 libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  started=$SECONDS
  {
    echo "setup-gpu-ci: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    echo "setup-gpu-ci: apt took $((SECONDS - started)) s"
  } >&2
fi

runtime_dir="${XDG_RUNTIME_DIR:-/tmp/nn-xdg-runtime}"
mkdir -p "$runtime_dir" && chmod 700 "$runtime_dir"
VARIABLES=(
  # Node runtime suite: every listed mode must come up; webgpu on Dawn's GLES backend (Mesa llvmpipe).
  "NN_GPU_TEST_MODES=webasm,cpu,webgpu"
  "NN_DAWN_BACKEND=opengles"
  "EGL_PLATFORM=surfaceless"
  # Headless Chromium suites (SwiftShader); NN_CHROMIUM_PATH also turns on the page tests of apps/csp-page
  # and apps/playground.
  "NN_BROWSER_TEST_MODES=webgl2,webgpu"
  "NN_CHROMIUM_PATH=/usr/bin/chromium"
  # Silences a harmless Dawn/Mesa warning.
  "XDG_RUNTIME_DIR=$runtime_dir"
)

if [ "$#" -gt 0 ]; then
  exec env "${VARIABLES[@]}" "$@"
fi
for variable in "${VARIABLES[@]}"; do
  printf 'export %q\n' "$variable"
done
