import type { WasmApi } from '../gemm/wasm-api';

// What the host lets a page compile at run time. A Content-Security-Policy without 'unsafe-eval' refuses
// `new Function` (EvalError); one without 'wasm-unsafe-eval' refuses WebAssembly compilation
// (CompileError). Each probe runs once: the browser reports every refusal to the console.

let functions: boolean | undefined;
let wasm: boolean | undefined;

/** Whether `new Function(source)` works here (false under a CSP without 'unsafe-eval'). */
export function canGenerateCode(): boolean {
  if (functions === undefined) {
    try {
      functions = new Function('return 1')() === 1;
    } catch {
      functions = false;
    }
  }
  return functions;
}

/** The smallest valid module: the magic number and version. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * Whether WebAssembly modules can be compiled here (false without WebAssembly, or under a CSP without
 * 'wasm-unsafe-eval').
 */
export function canCompileWasm(): boolean {
  if (wasm === undefined) {
    try {
      const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
      wasm = api !== undefined && new api.Module(EMPTY_MODULE) !== undefined;
    } catch {
      wasm = false;
    }
  }
  return wasm;
}
