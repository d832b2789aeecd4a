/**
 * CPU memory the framework knows is free again, kept by size for the next output of that size.
 *
 * A fresh large typed array costs page faults on every page (about 12 µs per 4 KiB on a shared Linux
 * machine: 12 ms for a 4 MB output, thirty times the SIMD add that fills it), and JavaScript cannot tell
 * that a tensor is dead before the garbage collector does. So memory is reused only where the framework
 * knows: `dispose()` (and `using`), the carrier of an in-place op's result, and the gradients a backward
 * pass makes and uses up. That is PyTorch's caching allocator fed by exact knowledge
 * instead of reference counts.
 *
 * A buffer is reused only if nothing outside the framework can still see it: it was made by
 * {@link allocate}-style calls here, exactly one storage ever wrapped it whole, and it was never handed to
 * user code (`dataSync()`, `data()` and friends mark it {@link markEscaped}). Anything else is left to the
 * garbage collector as before.
 *
 * Float32 arrays in the SIMD kernels' memory (resident-arena.ts) follow the same rules, with their block
 * standing for the buffer (they all share one); that module keeps their idle memory.
 */
import {
  holdResident,
  isCanonicalResident,
  isResident,
  noteDisposedFloats,
  releaseResident,
  residentBlock,
  residentBytes,
  residentReuses,
} from './resident-arena';

/** Smaller arrays come from V8's and malloc's own free lists cheaply; pooling them would cost more. */
export const POOLED_MIN_BYTES = 1 << 16;

/** The most idle memory the pool keeps; a release beyond it is left to the garbage collector. */
const IDLE_LIMIT_BYTES = 256 * 2 ** 20;

/**
 * Buffers this module made and that may come back (for resident arrays, their block): `null` until a
 * storage wraps the buffer, then that storage. A second storage over the same buffer (a view kernel's
 * `subarray`) makes it ineligible.
 */
const eligible = new WeakMap<object, object | null>();

/** Idle buffers by byte length. */
const idle = new Map<number, ArrayBuffer[]>();
let idleBytes = 0;
let reuses = 0;

/** A buffer of exactly `bytes` from the pool (not zeroed), or undefined when none is idle. */
export function takeIdleBuffer(bytes: number): ArrayBuffer | undefined {
  if (bytes < POOLED_MIN_BYTES) return undefined;
  const buffer = idle.get(bytes)?.pop();
  if (buffer === undefined) return undefined;
  idleBytes -= bytes;
  reuses++;
  eligible.set(buffer, null);
  return buffer;
}

/**
 * Marks a buffer just allocated for a kernel's output (or a resident array from takeResidentFloats) as one
 * that may return to the pool.
 */
export function trackNewBuffer(buffer: ArrayBuffer | Float32Array): void {
  if (buffer.byteLength >= POOLED_MIN_BYTES) eligible.set(residentBlock(buffer) ?? buffer, null);
}

/**
 * What stands for `data`'s memory in `eligible`, and whether `data` covers it whole; undefined for arrays
 * too small to pool. `kept`: `data` may be read after the current kernel call, so a resident block must
 * not be reused before the garbage collector takes `data` too.
 */
function memoryOf(data: unknown, kept: boolean): { key: object; whole: boolean } | undefined {
  const block = residentBlock(data);
  if (block !== undefined) {
    const whole = isCanonicalResident(data);
    if (kept && !whole) holdResident(data as object, block);
    return { key: block, whole };
  }
  if (!isLargeArray(data) || isResident(data)) return undefined;
  const buffer = data.buffer as ArrayBuffer;
  return { key: buffer, whole: data.byteOffset === 0 && data.byteLength === buffer.byteLength };
}

/** Whether `data` is a typed array big enough for the pool to care about. */
function isLargeArray(data: unknown): data is ArrayBufferView {
  return ArrayBuffer.isView(data) && data.byteLength >= POOLED_MIN_BYTES;
}

/** Views a kernel wraps in a storage only while it writes into them (see {@link markTransientView}). */
const transient = new WeakSet<object>();

/**
 * `view` (of an array some storage owns) is wrapped in a storage only for the kernel call writing into it
 * and dropped right after, so that storage is not a second owner: `copy_` writing through its target's
 * array would otherwise make every parameter that `nn.init` fills look aliased.
 */
export function markTransientView(view: object): void {
  transient.add(view);
}

/** Records that `storage` wraps `data`; a second storage over the same buffer makes it ineligible. */
export function claimBuffer(data: unknown, storage: object): void {
  if (transient.has(data as object)) return;
  const memory = memoryOf(data, true);
  if (memory === undefined) return;
  const owner = eligible.get(memory.key);
  if (owner === null && memory.whole) eligible.set(memory.key, storage);
  else if (owner !== undefined) eligible.delete(memory.key);
}

/**
 * Whether `data` is the whole of a pooled-size array the allocator made for `storage` alone and never
 * handed to user code: only in-place ops (which bump `storage.version`) can change it, so a copy of it
 * stays valid while the version does.
 */
export function isPrivateArray(data: unknown, storage: object): boolean {
  const memory = memoryOf(data, false);
  return memory?.whole === true && eligible.get(memory.key) === storage;
}

/** `data` was handed to user code (a read): it may be kept, so it never returns to the pool. */
export function markEscaped(data: unknown): void {
  const memory = memoryOf(data, true);
  if (memory !== undefined) eligible.delete(memory.key);
}

/** `storage` is dead: its buffer becomes idle if it is eligible and the pool has room. */
export function releaseBuffer(data: unknown, storage: object): void {
  const block = residentBlock(data);
  if (block !== undefined) {
    if (eligible.get(block) === storage) {
      eligible.delete(block);
      releaseResident(data as Float32Array, block);
      noteDisposedFloats((data as Float32Array).length);
    }
    return;
  }
  if (!isLargeArray(data)) return;
  const buffer = data.buffer as ArrayBuffer;
  if (eligible.get(buffer) !== storage) return;
  eligible.delete(buffer);
  if (data instanceof Float32Array) noteDisposedFloats(data.length);
  if (idleBytes + buffer.byteLength > IDLE_LIMIT_BYTES) return;
  idleBytes += buffer.byteLength;
  const list = idle.get(buffer.byteLength);
  if (list) list.push(buffer);
  else idle.set(buffer.byteLength, [buffer]);
}

/** What the CPU memory pool holds (see {@link emptyCpuCache}). */
export interface CpuPoolInfo {
  /** Bytes of idle buffers kept for reuse. */
  idleBytes: number;
  /**
   * Outputs that reused an idle buffer instead of fresh memory, and resident blocks given back by
   * `dispose()` for the next output, since the process started.
   */
  reuses: number;
  /** Bytes of the SIMD kernels' memory holding tensors (see resident-arena). */
  residentBytes: number;
}

/** The CPU memory pool's state, like `torch.cuda.memory_stats` for the CPU's reusable memory. */
export function cpuPoolInfo(): CpuPoolInfo {
  return { idleBytes, reuses: reuses + residentReuses(), residentBytes: residentBytes() };
}

/** Drops every idle buffer (the garbage collector frees them), as `torch.cuda.empty_cache()`. */
export function emptyCpuCache(): void {
  idle.clear();
  idleBytes = 0;
}
