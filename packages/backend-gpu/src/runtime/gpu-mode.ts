/**
 * A gpu.js backend mode that a runtime can be asked for, or that gpu.js can report after building a kernel.
 * `webasm` is WASM SIMD on the CPU, `cpu` is plain JavaScript, `headlessgl` is headless-gl in Node, and
 * `webgl2`/`webgl`/`webgpu` are the browser APIs (`webgpu` also in Node through Dawn, the `webgpu` package).
 */
export type GpuMode = 'webasm' | 'cpu' | 'webgpu' | 'headlessgl' | 'webgl2' | 'webgl';

/** Every {@link GpuMode}, in no particular order of preference. */
export const GPU_MODES: readonly GpuMode[] = ['webasm', 'cpu', 'webgpu', 'headlessgl', 'webgl2', 'webgl'];

/** Whether `value` names a {@link GpuMode}; used to read modes from settings and environment variables. */
export function isGpuMode(value: string): value is GpuMode {
  return (GPU_MODES as readonly string[]).includes(value);
}

/**
 * How kernel calls hand back their result in a mode: `sync` returns it, `async` returns a Promise (every
 * WebGPU call, and WASM runs on worker threads).
 */
export type CallContract = 'sync' | 'async';
