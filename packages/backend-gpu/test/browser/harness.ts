// A headless-Chromium harness for gpu.js's browser modes (webgl2, webgl, webgpu, webasm): Debian's
// `chromium` driven by playwright-core (no browser download, ever), a page served on 127.0.0.1 that loads
// gpu.js's browser bundle, and a function that runs one kernel in the page and returns its values.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, sourceAliasPlugin } from '@nn/tooling/test-utils';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { BackendSuiteResult } from './backend-suite';
import type { MultiDeviceSuiteResult } from './multi-device-suite';

/** One kernel run in the page. `source` is a gpu.js kernel function as text; sizes go in `args`. */
export interface PageKernelRequest {
  readonly mode: string;
  readonly source: string;
  /** gpu.js output dims (x first). */
  readonly output: readonly number[];
  /** Arrays become Float32Arrays in the page; numbers stay numbers. */
  readonly args: readonly (number | readonly number[])[];
  /** Timed calls after the first (compiling) one; default 0. */
  readonly repeats?: number;
}

/** What the page reports about a kernel run. */
export interface PageKernelResult {
  /** `kernel.constructor.mode` of the built kernel (GL kernels say `gpu`). */
  readonly builtMode: string;
  /** The built kernel's class, found by `instanceof` (the bundle's class names are minified). */
  readonly kernelClass:
    | 'WebGL2Kernel'
    | 'WebGLKernel'
    | 'WebGPUKernel'
    | 'WebAssemblyKernel'
    | 'CPUKernel'
    | 'unknown';
  readonly fallbackReason: string | null;
  readonly values: number[];
  /** First call including compile and readback, ms. */
  readonly firstMs: number;
  /** Mean of the repeated calls including readback, ms (NaN without repeats). */
  readonly meanMs: number;
  /** The WebGPU adapter's description, in webgpu mode. */
  readonly adapter: string | null;
}

/** What {@link BrowserHarness.runRuntime} reports: the runtime layer itself, bundled for the page. */
export interface PageRuntimeResult {
  readonly mode: string;
  readonly contract: string;
  readonly adapter: { readonly name: string; readonly isSoftware: boolean } | null;
  /** `[1, 2, 3] + [10, 20, 30]` computed by the runtime. */
  readonly values: number[];
}

/** A running browser with the gpu.js page open (the `'gpu'` backend bundled in it as well). */
export interface BrowserHarness {
  readonly url: string;
  readonly page: Page;
  /** Runs one kernel in the page. */
  runKernel(request: PageKernelRequest): Promise<PageKernelResult>;
  /** Creates a runtime in the page with `createGpuRuntime({ mode })` and runs an add kernel on it. */
  runRuntime(mode?: string): Promise<PageRuntimeResult>;
  /** Registers the `'gpu'` backend in the page on `mode` and runs `backend-suite.ts` (`steps` training steps). */
  runBackendSuite(mode: string, steps: number): Promise<BackendSuiteResult>;
  /**
   * Registers one device per mode in the page at once (`'gpu:<mode>'`) and runs `multi-device-suite.ts`
   * (`steps` interleaved training steps on each and on the CPU).
   */
  runMultiDeviceSuite(modes: readonly string[], steps: number): Promise<MultiDeviceSuiteResult>;
  close(): Promise<void>;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>gpu.js harness</title>
<script src="/gpu-browser.min.js"></script><script src="/runtime.js"></script><script src="/backend.js"></script>
<body>gpu.js harness</body>`;

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Bundles `contents` for the page (@nn packages from source, gpu.js resolving to its browser build),
 * exposed as the global `globalName`.
 */
async function bundleForPage(contents: string, globalName: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: PACKAGE_DIR, loader: 'ts' },
    plugins: [sourceAliasPlugin()], // the @nn packages from source, as the unit tests run them
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

async function serve(): Promise<Server> {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('gpu.js/dist/gpu-browser.min.js'));
  const scripts: Record<string, string> = {
    '/runtime.js': await bundleForPage(
      `export { createGpuRuntime } from './src/runtime/create-gpu-runtime';`,
      'nnRuntime',
    ),
    '/backend.js': await bundleForPage(
      `export { runBackendSuite } from './test/browser/backend-suite';
       export { runMultiDeviceSuite } from './test/browser/multi-device-suite';`,
      'nnBackend',
    ),
  };
  const server = createServer((request, response) => {
    // cross-origin isolation, so webasm can use threads (SharedArrayBuffer) in the page
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const script = request.url === '/gpu-browser.min.js' ? bundle : scripts[request.url ?? ''];
    if (script !== undefined) {
      response.setHeader('Content-Type', 'text/javascript');
      response.end(script);
    } else if (request.url === '/') {
      response.setHeader('Content-Type', 'text/html');
      response.end(PAGE);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs in the page: builds the kernel with the runtime layer's settings, runs and reads it back. */
async function runInPage(request: PageKernelRequest): Promise<PageKernelResult> {
  type Handle = { toArray(): unknown; delete(): void };
  type Shortcut = ((...args: unknown[]) => unknown) & {
    kernel: { constructor: { mode: string }; fallbackReason?: string | null };
  };
  type KernelClass = abstract new (...args: never[]) => unknown;
  type Classes = Record<PageKernelResult['kernelClass'], KernelClass>;
  type GpuInstance = { createKernel(source: string, settings: object): unknown; destroy(): Promise<void> };
  const GPU = (globalThis as unknown as { GPU: Classes & (new (settings: object) => GpuInstance) }).GPU;
  type AdapterInfo = { vendor?: string; architecture?: string; device?: string; description?: string };
  type WebGpu = { requestAdapter(): Promise<{ info?: AdapterInfo } | null> };
  const nav = (globalThis as unknown as { navigator: { gpu?: WebGpu } }).navigator;
  const gpu = new GPU({ mode: request.mode });
  const kernel = gpu.createKernel(request.source, {
    output: [...request.output],
    tactic: 'precision',
    dynamicOutput: true,
    dynamicArguments: true,
    pipeline: true,
    immutable: true,
    loopMaxIterations: 65_536,
  }) as Shortcut;
  const args = request.args.map((arg) => (typeof arg === 'number' ? arg : Float32Array.from(arg)));
  const flatten = (value: unknown): number[] =>
    Array.isArray(value) ? value.flatMap(flatten) : Array.from(value as ArrayLike<number>);
  const once = async (): Promise<number[]> => {
    const raw = await kernel(...args);
    const handle = raw as Partial<Handle>;
    const values = handle.toArray ? await handle.toArray() : raw;
    handle.delete?.();
    return flatten(values);
  };
  let started = performance.now();
  const values = await once();
  const firstMs = performance.now() - started;
  const repeats = request.repeats ?? 0;
  started = performance.now();
  for (let i = 0; i < repeats; i++) await once();
  const meanMs = repeats > 0 ? (performance.now() - started) / repeats : Number.NaN;
  const built = kernel.kernel;
  let adapter: string | null = null;
  if (request.mode === 'webgpu' && nav.gpu) {
    const info = (await nav.gpu.requestAdapter())?.info ?? {};
    adapter =
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || null;
  }
  await gpu.destroy();
  return {
    builtMode: built.constructor.mode,
    kernelClass:
      (['WebGL2Kernel', 'WebGLKernel', 'WebGPUKernel', 'WebAssemblyKernel', 'CPUKernel'] as const).find(
        (name) => built instanceof GPU[name],
      ) ?? 'unknown',
    fallbackReason: built.fallbackReason ?? null,
    values,
    firstMs,
    meanMs,
    adapter,
  };
}

/** Runs in the page: the runtime layer end to end (mode choice, probe, kernel cache, run, readback). */
async function runtimeInPage(mode: string | undefined): Promise<PageRuntimeResult> {
  type Buffer = { read(): Promise<Float32Array>; release(): void };
  type Runtime = {
    mode: string;
    contract: string;
    adapter: { name: string; isSoftware: boolean } | null;
    kernel(spec: object): unknown;
    run(kernel: unknown, shape: number[], ...args: unknown[]): Promise<Buffer>;
    destroy(): Promise<void>;
  };
  const { createGpuRuntime } = (
    globalThis as unknown as { nnRuntime: { createGpuRuntime(options: object): Promise<Runtime> } }
  ).nnRuntime;
  const rt = await createGpuRuntime(mode ? { mode } : {});
  const add = rt.kernel({
    op: 'add',
    rank: 1,
    source: 'function (a, b) { return a[this.thread.x] + b[this.thread.x]; }',
  });
  const out = await rt.run(add, [3], new Float32Array([1, 2, 3]), new Float32Array([10, 20, 30]));
  const values = Array.from(await out.read());
  out.release();
  const result = { mode: rt.mode, contract: rt.contract, adapter: rt.adapter, values };
  await rt.destroy();
  return result;
}

/**
 * Starts a 127.0.0.1 server and headless Chromium (Debian's, at {@link CHROMIUM_PATH}), and opens the
 * gpu.js page. Throws when Chromium is not installed (`tooling/scripts/setup-gpu-ci.sh` installs it).
 */
export async function openBrowserHarness(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run tooling/scripts/setup-gpu-ci.sh (apt chromium)`);
  }
  const server = await serve();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'nn-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // Generous limits: CI opens this page while the other packages' suites share its 2 cores.
    await page.goto(url, { timeout: 120_000 });
    await page.waitForFunction(
      () => 'GPU' in globalThis && 'nnRuntime' in globalThis && 'nnBackend' in globalThis,
      undefined,
      { timeout: 120_000 },
    );
    const opened = context;
    return {
      url,
      page,
      runKernel: (request) => page.evaluate(runInPage, request),
      runRuntime: (mode) => page.evaluate(runtimeInPage, mode),
      runBackendSuite: (mode, steps) =>
        page.evaluate(
          ([m, n]) =>
            (
              globalThis as unknown as {
                nnBackend: { runBackendSuite(mode: string, steps: number): Promise<BackendSuiteResult> };
              }
            ).nnBackend.runBackendSuite(m, n),
          [mode, steps] as const,
        ),
      runMultiDeviceSuite: (modes, steps) =>
        page.evaluate(
          ([m, n]) =>
            (
              globalThis as unknown as {
                nnBackend: {
                  runMultiDeviceSuite(
                    modes: readonly string[],
                    steps: number,
                  ): Promise<MultiDeviceSuiteResult>;
                };
              }
            ).nnBackend.runMultiDeviceSuite(m, n),
          [modes, steps] as const,
        ),
      async close() {
        await opened.close();
        server.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
