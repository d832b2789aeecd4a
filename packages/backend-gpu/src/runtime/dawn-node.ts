// Node has no WebGPU of its own: the npm package `webgpu` (Google's Dawn, prebuilt binaries inside the
// registry package) provides `navigator.gpu`. gpu.js reads the global `navigator.gpu`, so the binding is
// injected into globalThis while at least one runtime uses it, and removed again when the last one lets go:
// a `navigator` left behind keeps the Node process from exiting.

/** Which Dawn backend to ask for an adapter. */
export type DawnBackend = 'default' | 'vulkan' | 'opengles';

/** The part of the `webgpu` package this layer uses. */
interface DawnModule {
  create(flags: string[]): WebGpuEntry;
  globals: Record<string, unknown>;
}

/** The part of `navigator.gpu` this layer uses. */
export interface WebGpuEntry {
  requestAdapter(options?: Record<string, unknown>): Promise<WebGpuAdapter | null>;
}

/** The part of a `GPUAdapter` this layer reads. */
export interface WebGpuAdapter {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
}

interface Installation {
  users: number;
  backend: DawnBackend;
  addedGlobals: string[];
  previousNavigator: PropertyDescriptor | undefined;
}

let installation: Installation | undefined;

/** Whether this is Node (where `navigator.gpu`, if wanted, has to come from Dawn). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** `navigator.gpu` if this JavaScript environment has one (a browser, or Node with Dawn injected). */
export function webGpuEntry(): WebGpuEntry | undefined {
  const nav = (globalThis as { navigator?: { gpu?: WebGpuEntry } }).navigator;
  return nav?.gpu ?? undefined;
}

function dawnFlags(backend: DawnBackend): string[] {
  return backend === 'default' ? [] : [`backend=${backend}`];
}

/**
 * Dawn's OpenGL ES backend only offers compatibility-level adapters, and gpu.js calls `requestAdapter()`
 * without options, so the entry it sees asks for that level itself.
 */
function withAdapterDefaults(entry: WebGpuEntry, defaults: Record<string, unknown>): WebGpuEntry {
  const wrapped = Object.create(entry) as WebGpuEntry;
  wrapped.requestAdapter = (options) => entry.requestAdapter({ ...defaults, ...options });
  for (const name of ['getPreferredCanvasFormat'] as const) {
    const method = (entry as unknown as Record<string, unknown>)[name];
    if (typeof method === 'function') {
      (wrapped as unknown as Record<string, unknown>)[name] = () => method.call(entry);
    }
  }
  return wrapped;
}

/**
 * Makes `navigator.gpu` available in Node through Dawn, or joins the injection already in place; resolves
 * false when the `webgpu` package cannot be loaded here. Every `true` must be matched by
 * {@link releaseDawn}. With backend `opengles` and no display, `EGL_PLATFORM=surfaceless` is set so Mesa
 * renders offscreen (llvmpipe on a machine without a GPU).
 */
export async function acquireDawn(backend: DawnBackend): Promise<boolean> {
  if (installation) {
    if (installation.backend !== backend) {
      throw new Error(
        `Dawn is already injected with backend '${installation.backend}'; one process uses one Dawn backend ` +
          `(asked for '${backend}'): destroy the other runtimes first`,
      );
    }
    installation.users++;
    return true;
  }
  let dawn: DawnModule;
  try {
    // A variable specifier keeps bundlers from pulling the Node-only binding into browser builds.
    const specifier = 'webgpu';
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch {
    return false;
  }
  if (backend === 'opengles' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    process.env.EGL_PLATFORM ??= 'surfaceless';
  }
  const entry = dawn.create(dawnFlags(backend));
  const navigatorEntry =
    backend === 'opengles' ? withAdapterDefaults(entry, { featureLevel: 'compatibility' }) : entry;
  const addedGlobals = Object.keys(dawn.globals).filter((name) => !(name in globalThis));
  for (const name of addedGlobals) {
    (globalThis as Record<string, unknown>)[name] = dawn.globals[name];
  }
  const previousNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const previous = (previousNavigator?.get?.call(globalThis) ?? previousNavigator?.value) as
    | object
    | undefined;
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.assign(Object.create(previous ?? null) as object, { gpu: navigatorEntry }),
    configurable: true,
    writable: true,
  });
  installation = { users: 1, backend, addedGlobals, previousNavigator };
  return true;
}

/** Leaves the Dawn injection; the last user removes `navigator` and the WebGPU globals again. */
export function releaseDawn(): void {
  if (!installation || --installation.users > 0) return;
  const { addedGlobals, previousNavigator } = installation;
  installation = undefined;
  for (const name of addedGlobals) {
    delete (globalThis as Record<string, unknown>)[name];
  }
  if (previousNavigator) {
    Object.defineProperty(globalThis, 'navigator', previousNavigator);
  } else {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}
