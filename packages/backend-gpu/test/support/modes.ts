import type { DawnBackend } from '../../src/runtime/dawn-node';
import { type GpuMode, isGpuMode } from '../../src/runtime/gpu-mode';

/**
 * The modes the Node suites run on. Every listed mode MUST come up (a missing adapter fails the suite, it
 * is never skipped): CI sets NN_GPU_TEST_MODES=webasm,cpu,webgpu and NN_DAWN_BACKEND after
 * tooling/scripts/setup-gpu-ci.sh installed what WebGPU needs. Without the variable, only the modes plain
 * Node always has run.
 */
export const TEST_MODES: GpuMode[] = (process.env.NN_GPU_TEST_MODES ?? 'webasm,cpu')
  .split(',')
  .map((mode) => mode.trim())
  .filter((mode): mode is GpuMode => {
    if (!isGpuMode(mode)) throw new Error(`NN_GPU_TEST_MODES: unknown mode '${mode}'`);
    return true;
  });

/** The Dawn backend for `webgpu` in Node (CI: `opengles` on Mesa llvmpipe). */
export const DAWN_BACKEND = (process.env.NN_DAWN_BACKEND ?? 'default') as DawnBackend;
