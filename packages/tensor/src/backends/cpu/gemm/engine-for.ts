import type { GemmEngine } from './engine';
import { createJsEngine } from './js-engine';
import { gemmSettings } from './settings';
import type { FloatArray } from './types';
import { createWasmEngine } from './wasm-engine';

let f32: GemmEngine | undefined;
let f64: GemmEngine | undefined;
let f32Js: GemmEngine | undefined;
let f64Js: GemmEngine | undefined;

/**
 * The engine for the output's float type, created on first use: WebAssembly SIMD when available and not
 * switched off by {@link gemmSettings}, else JS.
 */
export function engineFor(out: FloatArray): GemmEngine {
  const single = out instanceof Float32Array;
  if (gemmSettings().engine === 'auto') {
    const wasm = single ? (f32 ??= createWasmEngine(4)) : (f64 ??= createWasmEngine(8));
    if (wasm) return wasm;
  }
  return single ? (f32Js ??= createJsEngine(Float32Array)) : (f64Js ??= createJsEngine(Float64Array));
}

/**
 * Whether `engineFor(out)` accumulates in the output's float type, rounding every product and sum (the
 * WebAssembly kernels); the JS kernels accumulate each k block in float64.
 */
export function accumulatesInOutputType(out: FloatArray): boolean {
  const engine = engineFor(out);
  return engine === f32 || engine === f64;
}
