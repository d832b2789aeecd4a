import type { GemmEngine } from './engine';
import { createJsEngine } from './js-engine';
import type { FloatArray } from './types';
import { createWasmEngine } from './wasm-engine';

let f32: GemmEngine | undefined;
let f64: GemmEngine | undefined;

/** The engine for the output's float type, created on first use: WebAssembly SIMD when available, else JS. */
export function engineFor(out: FloatArray): GemmEngine {
  if (out instanceof Float32Array) return (f32 ??= createWasmEngine(4) ?? createJsEngine(Float32Array));
  return (f64 ??= createWasmEngine(8) ?? createJsEngine(Float64Array));
}
