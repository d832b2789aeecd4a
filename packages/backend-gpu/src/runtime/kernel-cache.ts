import { ValueError } from '@nn/tensor';
import { CachedKernel, type KernelSpec, kernelKey } from './cached-kernel';
import type { KernelShortcut } from './gpu-js-types';

/** Built kernels of one runtime, one per (op, shape class), each built on first request. */
export class KernelCache {
  readonly #kernels = new Map<string, CachedKernel>();
  readonly #build: (spec: KernelSpec) => KernelShortcut;

  /** `build` creates the gpu.js kernel for a spec that is not cached yet. */
  constructor(build: (spec: KernelSpec) => KernelShortcut) {
    this.#build = build;
  }

  /** Number of kernels built. */
  get size(): number {
    return this.#kernels.size;
  }

  /** The cached kernel for `spec`, built on first request. A key reused with another body is an error. */
  get(spec: KernelSpec): CachedKernel {
    const key = kernelKey(spec);
    const cached = this.#kernels.get(key);
    if (cached) {
      if (String(cached.spec.source) !== String(spec.source) || cached.spec.rank !== spec.rank) {
        throw new ValueError(
          spec.op,
          `kernel '${key}' is already cached with another body or rank; give the variant its own shapeClass`,
        );
      }
      return cached;
    }
    const built = new CachedKernel(spec, this.#build);
    this.#kernels.set(key, built);
    return built;
  }

  /** The cached kernels, in build order. */
  entries(): IterableIterator<CachedKernel> {
    return this.#kernels.values();
  }

  /** Forgets every kernel (their owner destroys them with the gpu.js instance). */
  clear(): void {
    this.#kernels.clear();
  }
}
