// How the browser tests start Chromium: Debian's `chromium` package (installed by
// tooling/scripts/setup-gpu-ci.sh, never downloaded) driven headless by playwright-core.

/** Where the browser is; CI sets NN_CHROMIUM_PATH (which also turns the CPU page tests on). */
export const CHROMIUM_PATH = process.env.NN_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch flags: no sandbox (CI runs as root), no background traffic, software GL and WebGPU. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];
