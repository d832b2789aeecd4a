import { DeviceError, ValueError } from '@nn/tensor';
import { GPU } from 'gpu.js';
import { buildKernel } from './build-kernel';
import { builtModeOf } from './built-mode';
import { acquireDawn, type DawnBackend, isNode, releaseDawn, webGpuEntry } from './dawn-node';
import { glRendererName } from './gl-renderer';
import { type GpuMode, isGpuMode } from './gpu-mode';
import { GpuRuntime } from './gpu-runtime';
import { DEFAULT_POOL_BYTES } from './result-memory';
import { isSoftwareRenderer } from './software-renderer';
import { vulkanDriverListed } from './vulkan-driver';
import { probeWebGpuAdapter, type WebGpuAdapterReport } from './webgpu-adapter';

/** Options of {@link createGpuRuntime}. */
export interface GpuRuntimeOptions {
  /**
   * The gpu.js mode to run on. Left out, the runtime picks the fastest real device: a hardware WebGPU
   * adapter, else (in a browser) hardware WebGL2/WebGL, else `webasm`, else `cpu`. Software renderers
   * (SwiftShader, llvmpipe) and `headlessgl` are never picked automatically; name them to use them. In
   * Node on Linux, Dawn is only asked for an adapter when a Vulkan driver is installed or `dawnBackend`
   * is given, so a machine without a GPU prints no Vulkan warning.
   */
  readonly mode?: GpuMode;
  /** A canvas for the GL modes (gpu.js creates one when left out). */
  readonly canvas?: object;
  /** A WebGL context for the GL modes (gpu.js creates one when left out). */
  readonly context?: object;
  /**
   * Node only: the Dawn backend to ask for a WebGPU adapter (`vulkan`, or `opengles`, which works on Mesa
   * llvmpipe without a display). Defaults to Dawn's own choice.
   */
  readonly dawnBackend?: DawnBackend;
  /** `webasm` only: run kernels on worker threads, under the async call contract. */
  readonly threads?: boolean;
  /**
   * Bound on the bytes of released buffers kept for reuse by later results (default 64 MiB; 0 pools
   * nothing). What is pooled depends on the mode: see `gpuBackendInfo().pool`.
   */
  readonly poolBytes?: number;
}

interface Choice {
  readonly mode: GpuMode;
  readonly adapter: WebGpuAdapterReport | null;
  readonly usesDawn: boolean;
}

/** Finds a WebGPU adapter, injecting Dawn in Node; leaves nothing injected when none answers. */
async function findWebGpu(
  backend: DawnBackend,
): Promise<{ adapter: WebGpuAdapterReport | null; usesDawn: boolean }> {
  const usesDawn = !webGpuEntry() && isNode() && (await acquireDawn(backend));
  const entry = webGpuEntry();
  const adapter = entry ? await probeWebGpuAdapter(entry) : null;
  if (!adapter && usesDawn) releaseDawn();
  return { adapter, usesDawn: usesDawn && adapter !== null };
}

function isHardwareGl(kind: 'webgl2' | 'webgl'): boolean {
  const supported = kind === 'webgl2' ? GPU.isWebGL2Supported : GPU.isWebGLSupported;
  const renderer = supported ? glRendererName(kind) : undefined;
  return renderer !== undefined && !isSoftwareRenderer(renderer);
}

async function chooseMode(options: GpuRuntimeOptions): Promise<Choice> {
  const backend = options.dawnBackend ?? 'default';
  if (options.mode === 'webgpu') {
    const found = await findWebGpu(backend);
    if (!found.adapter) {
      throw new DeviceError(
        'createGpuRuntime',
        `mode 'webgpu': no WebGPU adapter answered${isNode() ? ` (Dawn backend '${backend}')` : ''}; ` +
          'in Node on a machine without a GPU, use dawnBackend opengles with Mesa, or Vulkan SwiftShader',
      );
    }
    return { mode: 'webgpu', ...found };
  }
  if (options.mode) return { mode: options.mode, adapter: null, usesDawn: false };
  // In Node, Dawn is only asked when it can find a hardware adapter quietly, or a Dawn backend was named.
  const askDawn =
    webGpuEntry() !== undefined ||
    !isNode() ||
    options.dawnBackend !== undefined ||
    (await vulkanDriverListed());
  const found = askDawn ? await findWebGpu(backend) : { adapter: null, usesDawn: false };
  if (found.adapter && !found.adapter.isSoftware) return { mode: 'webgpu', ...found };
  if (found.usesDawn) releaseDawn();
  for (const kind of ['webgl2', 'webgl'] as const) {
    if (isHardwareGl(kind)) return { mode: kind, adapter: null, usesDawn: false };
  }
  return { mode: GPU.isWebAssemblySupported ? 'webasm' : 'cpu', adapter: null, usesDawn: false };
}

function createGpu(mode: GpuMode, options: GpuRuntimeOptions): GPU {
  try {
    return new GPU({ mode, canvas: options.canvas, context: options.context });
  } catch (error) {
    const hint =
      mode === 'headlessgl'
        ? ': headless-gl (the `gl` package) must be built and an X server running (xvfb-run)'
        : mode === 'webgl2' || mode === 'webgl'
          ? ': WebGL exists in browsers only'
          : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new DeviceError(
      'createGpuRuntime',
      `mode '${mode}' is not available here${hint} (gpu.js: ${reason})`,
    );
  }
}

const PROBE = {
  op: 'probe',
  rank: 1,
  source: `function (a) { return a[this.thread.x] * 2; }`,
} as const;

/**
 * Creates a gpu.js runtime: chooses the mode (see {@link GpuRuntimeOptions.mode}), builds and runs a probe
 * kernel to learn the mode gpu.js really got (`kernel.constructor.mode`, `fallbackReason`) and checks its
 * result. Rejects when an explicitly requested mode is unavailable. Call `destroy()` when done: in Node it
 * also removes the injected `navigator`, without which the process does not exit.
 */
export async function createGpuRuntime(options: GpuRuntimeOptions = {}): Promise<GpuRuntime> {
  if (options.mode !== undefined && !isGpuMode(options.mode)) {
    throw new DeviceError('createGpuRuntime', `unknown mode '${String(options.mode)}'`);
  }
  const { poolBytes = DEFAULT_POOL_BYTES } = options;
  if (!(Number.isFinite(poolBytes) && poolBytes >= 0)) {
    throw new ValueError('createGpuRuntime', `poolBytes must be a finite number >= 0, got ${poolBytes}`);
  }
  const choice = await chooseMode(options);
  const onDestroy = choice.usesDawn ? releaseDawn : () => {};
  const contract =
    choice.mode === 'webgpu' || (choice.mode === 'webasm' && options.threads) ? 'async' : 'sync';
  let gpu: GPU | undefined;
  try {
    gpu = createGpu(choice.mode, options);
    const started = performance.now();
    const probe = buildKernel(gpu, PROBE, contract, choice.mode);
    probe.setOutput([2]);
    const raw = await probe(new Float32Array([1, 2]));
    const handle = raw as { toArray?(): unknown; delete?(): void };
    const values = (handle.toArray ? await handle.toArray() : raw) as ArrayLike<number>;
    handle.delete?.();
    const probeMs = performance.now() - started;
    const built = probe.kernel;
    probe.destroy();
    if (values[0] !== 2 || values[1] !== 4) {
      throw new DeviceError('createGpuRuntime', `the ${choice.mode} probe kernel computed wrong values`);
    }
    const builtMode = builtModeOf(built);
    return new GpuRuntime({
      gpu,
      requestedMode: options.mode ?? 'auto',
      mode: isGpuMode(builtMode) ? builtMode : choice.mode,
      fallbackReason: built.fallbackReason ?? null,
      contract,
      adapter: choice.adapter,
      probeMs,
      poolBytes,
      onDestroy,
    });
  } catch (error) {
    await gpu?.destroy();
    onDestroy();
    throw error;
  }
}
