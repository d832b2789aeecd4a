import { HeadlessGLKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import type { BuiltKernel } from './gpu-js-types';

/**
 * The mode a built gpu.js kernel really runs on. `kernel.constructor.mode` says `webgpu`, `webasm` or
 * `cpu`, but only `gpu` for every GL kernel, so those are told apart by class.
 */
export function builtModeOf(kernel: BuiltKernel): string {
  if (kernel instanceof HeadlessGLKernel) return 'headlessgl';
  if (kernel instanceof WebGL2Kernel) return 'webgl2';
  if (kernel instanceof WebGLKernel) return 'webgl';
  return kernel.constructor.mode;
}
