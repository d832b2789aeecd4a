import { canCompileWasm } from '../codegen/capabilities';

/** An opaque compiled WebAssembly module (cloneable to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** A WebAssembly memory; `buffer` is a SharedArrayBuffer when created shared. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/**
 * The slice of the WebAssembly JS API the kernels use, typed here because the package compiles without
 * the DOM lib (Node's types declare only part of it).
 */
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  readonly Instance: new (
    module: WasmModule,
    imports: { env: { memory: WasmMemory } },
  ) => { readonly exports: Record<string, unknown> };
}

/**
 * The host's WebAssembly API, or undefined where there is none or where it may not compile (a
 * Content-Security-Policy without 'wasm-unsafe-eval'): every caller then takes its JS path.
 */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return api && canCompileWasm() ? api : undefined;
}
