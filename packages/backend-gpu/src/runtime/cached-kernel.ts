import { builtModeOf } from './built-mode';
import type { KernelShortcut, KernelSource } from './gpu-js-types';
import { isDeviceHandle } from './gpu-js-types';

/** What a kernel is: its op name, output rank and body. Sizes are kernel arguments, never constants. */
export interface KernelSpec {
  /** The op it implements, e.g. `'add'`, `'matmul'`. */
  readonly op: string;
  /** Rank of the output (gpu.js supports 1 to 3). */
  readonly rank: 1 | 2 | 3;
  /**
   * What else tells kernels of one op apart (a variant); defaults to `'<rank>d'`. One kernel is built per
   * (op, shape class, argument kinds) and serves every size.
   */
  readonly shapeClass?: string;
  /** The kernel body; see {@link KernelSource}. */
  readonly source: KernelSource;
  /**
   * Upper bound for loops whose bound is an argument (GL unrolls to a constant bound and breaks early);
   * defaults to 65536.
   */
  readonly loopMaxIterations?: number;
}

/** The cache key of a spec: `op/shapeClass`. */
export function kernelKey(spec: KernelSpec): string {
  return `${spec.op}/${spec.shapeClass ?? `${spec.rank}d`}`;
}

/**
 * The kinds of a call's raw arguments, one letter each: `n` number, `d` device handle (texture, WebGPU
 * buffer), `h` host array. gpu.js rebuilds a kernel when these change, and on GL a kernel that has seen
 * textures then computes wrong values for small host arrays (seen on headlessgl: `[11, 11]` for
 * `[1,2] + [10,20]`), so each combination gets a kernel of its own that never changes argument kinds.
 */
function argumentKinds(args: readonly unknown[]): string {
  return args.map((arg) => (typeof arg === 'number' ? 'n' : isDeviceHandle(arg) ? 'd' : 'h')).join('');
}

/**
 * One op's built gpu.js kernels in a runtime's cache (one per argument kinds), with what was observed
 * running them: the mode gpu.js really used, any fallback, how often gpu.js swapped a built kernel (a
 * rebuild), and the duration of the first call (which includes compiling).
 */
export class CachedKernel {
  readonly key: string;
  readonly spec: KernelSpec;
  /** Calls so far. */
  calls = 0;
  /** Times gpu.js replaced a built kernel behind its shortcut; each one is a compile. */
  switches = 0;
  /** Milliseconds of the first call, compile included; undefined before it. */
  firstCallMs: number | undefined;
  /** The mode the built kernel runs on; undefined before the first call. */
  builtMode: string | undefined;
  /** Why gpu.js degraded the kernel to cpu, when it did. */
  fallbackReason: string | null = null;
  readonly #shortcuts = new Map<string, KernelShortcut>();
  readonly #build: (spec: KernelSpec) => KernelShortcut;

  /** `build` creates a gpu.js kernel for the spec, once per argument kinds. */
  constructor(spec: KernelSpec, build: (spec: KernelSpec) => KernelShortcut) {
    this.key = kernelKey(spec);
    this.spec = spec;
    this.#build = build;
  }

  /** Number of gpu.js kernels created (one per argument kinds seen). */
  get builds(): number {
    return this.#shortcuts.size;
  }

  /** The gpu.js shortcut for calls with these raw arguments, created on first use. */
  shortcutFor(args: readonly unknown[]): KernelShortcut {
    const kinds = argumentKinds(args);
    let shortcut = this.#shortcuts.get(kinds);
    if (!shortcut) this.#shortcuts.set(kinds, (shortcut = this.#build(this.spec)));
    return shortcut;
  }

  /** Records one finished call of `shortcut`, started at `startedMs` on the built kernel `before`. */
  observe(shortcut: KernelShortcut, startedMs: number, before: KernelShortcut['kernel']): void {
    if (this.calls++ === 0) this.firstCallMs = performance.now() - startedMs;
    if (shortcut.kernel !== before) this.switches++;
    this.builtMode = builtModeOf(shortcut.kernel);
    this.fallbackReason = shortcut.kernel.fallbackReason ?? null;
  }
}
