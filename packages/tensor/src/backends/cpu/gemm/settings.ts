/** Tunables of the CPU GEMM (and so of matmul and convolution), like `torch.set_num_threads`. */
export interface GemmSettings {
  /** `'auto'`: WebAssembly SIMD where available, else JS. `'js'`: always the pure-JS kernels. */
  readonly engine: 'auto' | 'js';
  /** Upper bound on threads per product, the caller included (1 = never use helper threads). */
  readonly maxThreads: number;
}

let current: GemmSettings = { engine: 'auto', maxThreads: Number.POSITIVE_INFINITY };

/** Reads the settings, after applying `update` when given; returns the settings in force. */
export function gemmSettings(update: Partial<GemmSettings> = {}): GemmSettings {
  current = { ...current, ...update };
  return current;
}
