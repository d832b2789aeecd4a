// gpu.js has no API for handing a kernel the buffer to write its output into: an immutable pipeline
// kernel (which every kernel here is, so each result keeps its own buffer) creates a new GPUBuffer on every
// call. Its WebGPU kernel does reuse `outputBuffer` when it is mutable, though, and counts references to a
// GPUBuffer in `_refs` (the kernel's and each result handle's; the buffer is destroyed at zero). This file
// uses exactly those fields of gpu.js 2.24.1's WebGPUKernel and WebGPUBufferResult (the version is pinned);
// test/runtime.test.ts checks that a released buffer really comes back as a later result's buffer.

import { builtModeOf } from './built-mode';
import type { BuiltKernel } from './gpu-js-types';

/** A GPUBuffer as gpu.js tracks it. */
export interface CountedGpuBuffer {
  readonly size: number;
  /** References held by gpu.js kernels and result handles (and, here, the pool). */
  _refs: number;
  destroy(): void;
}

/** The fields of a built gpu.js WebGPUKernel this file reads and writes. */
interface WebGpuKernelFields {
  built: boolean;
  immutable: boolean;
  outputBuffer: CountedGpuBuffer | null;
  bindGroupDirty: boolean;
}

/** A pipeline result handle (`WebGPUBufferResult`). */
interface WebGpuResultFields {
  readonly buffer: CountedGpuBuffer;
  readonly _deleted: boolean;
  delete(): void;
}

/**
 * Whether `kernel` is a built WebGPU kernel (not one gpu.js degraded to cpu), so a call encodes and
 * submits its run before returning.
 */
export function isBuiltWebGpuKernel(kernel: BuiltKernel): boolean {
  return builtModeOf(kernel) === 'webgpu' && (kernel as Partial<WebGpuKernelFields>).built === true;
}

/** Drops the kernel's reference to its last output buffer, so that buffer belongs to its result alone. */
function dropOutput(kernel: WebGpuKernelFields): void {
  const buffer = kernel.outputBuffer;
  if (!buffer) return;
  kernel.outputBuffer = null;
  if (--buffer._refs === 0) buffer.destroy();
}

/**
 * Runs `call` (one run of the built webgpu `kernel`) so that the output goes into `buffer` (a pooled
 * buffer of the output's exact size, whose one reference passes to the kernel) or, without one, into a
 * buffer gpu.js creates. The kernel is mutable only during the synchronous call (a built WebGPU kernel
 * encodes and submits before returning) and lets go of the output afterwards, as its immutable path does.
 */
export function runIntoBuffer<R>(
  kernel: BuiltKernel,
  buffer: CountedGpuBuffer | undefined,
  call: () => R,
): R {
  const fields = kernel as unknown as WebGpuKernelFields;
  dropOutput(fields);
  if (buffer) fields.outputBuffer = buffer;
  fields.bindGroupDirty = true;
  fields.immutable = false;
  try {
    return call();
  } finally {
    fields.immutable = true;
    dropOutput(fields);
  }
}

/**
 * Deletes a released result `handle` and returns its GPUBuffer with one reference (the caller's), or
 * undefined when something else still holds the buffer (gpu.js then frees it when that lets go).
 */
export function reclaimBuffer(handle: unknown): CountedGpuBuffer | undefined {
  const result = handle as WebGpuResultFields;
  const buffer = result.buffer;
  const sole = !result._deleted && buffer._refs === 1;
  if (sole) buffer._refs++;
  result.delete();
  return sole ? buffer : undefined;
}

/** Drops a reclaimed buffer's last reference. */
export function destroyBuffer(buffer: CountedGpuBuffer): void {
  if (--buffer._refs === 0) buffer.destroy();
}

/** Whether a raw kernel result is a WebGPU pipeline handle. */
export function isWebGpuResult(raw: unknown): boolean {
  return (raw as { type?: unknown } | null)?.type === 'WebGPUBuffer';
}
