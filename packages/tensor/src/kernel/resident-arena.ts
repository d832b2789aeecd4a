/**
 * Float32 tensor memory inside the SIMD kernels' WebAssembly memory ("resident" arrays), so those kernels
 * read and write tensors where they are instead of copying every operand in and every result out (for an
 * add of 1e6 floats the three copies took 0.41 ms, against PyTorch's 0.16 ms for the whole add).
 *
 * The memory is fixed in size and never grown, so no view of it is ever detached. Each block holds one
 * array, followed by `slack` bytes the kernels may touch past its end (their padding lanes, exp's range
 * flags). A block is reused only when no view of it can be reached:
 * - when `dispose()` releases it under the host pool's rules (one storage, never handed out), or
 * - when its canonical view (the array {@link takeResidentFloats} returned) is garbage collected. Every
 *   other view of the block that outlives a kernel call must keep the canonical one alive: the host pool
 *   links each storage's and each escaped array's view to it ({@link residentOwner}).
 * When the memory is full, allocation falls back to ordinary arrays, which the kernels copy as before.
 */

/** Where the resident memory lies: bytes [start, start + bytes) of `buffer`. */
export interface ResidentMemory {
  readonly buffer: ArrayBufferLike;
  readonly start: number;
  readonly bytes: number;
  /** Bytes past each array's end that kernels may read and write. */
  readonly slack: number;
}

interface Block {
  readonly at: number;
  readonly bytes: number;
  readonly serial: number;
  readonly view: WeakRef<Float32Array>;
}

interface Span {
  at: number;
  bytes: number;
}

/** Block starts fall on 64-byte lines (a cache line, and every SIMD kernel's alignment). */
const ALIGN = 64;

let source: (() => ResidentMemory | undefined) | undefined;
let memory: ResidentMemory | null | undefined;
/** Blocks in use, by address. */
const live: Block[] = [];
/** Free spans below `top`, by address, never adjacent (freeing merges neighbours). */
const free: Span[] = [];
let top = 0;
let serials = 0;
let usedBytes = 0;
/** The highest address handed out so far: blocks below it reuse memory given back. */
let highWater = 0;
let reuses = 0;

const collected = new FinalizationRegistry<{ at: number; serial: number }>(({ at, serial }) => {
  const i = liveIndex(at);
  if (i >= 0 && live[i]!.serial === serial) releaseBlock(i);
});

/** Sets where resident memory comes from (the SIMD kernels' module, made on first use). */
export function provideResidentMemory(get: () => ResidentMemory | undefined): void {
  source = get;
}

function residentMemory(): ResidentMemory | undefined {
  if (memory === undefined && source !== undefined) {
    memory = source() ?? null;
    if (memory) top = memory.start;
  }
  return memory ?? undefined;
}

/** Index in `live` of the block starting at `at`, or -1. */
function liveIndex(at: number): number {
  const i = lastStartingAtOrBefore(live, at);
  return i >= 0 && live[i]!.at === at ? i : -1;
}

/** Index of the last span starting at or before `at` in `spans` (sorted by address), or -1. */
function lastStartingAtOrBefore(spans: readonly { at: number }[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * A resident float32 array of `size` elements (not zeroed), or undefined when resident memory is missing
 * (no WebAssembly SIMD) or full.
 */
export function takeResidentFloats(size: number): Float32Array | undefined {
  const mem = residentMemory();
  if (!mem) return undefined;
  const bytes = Math.ceil((size * 4 + mem.slack) / ALIGN) * ALIGN;
  const at = takeSpan(bytes, mem);
  if (at === undefined) return undefined;
  if (at < highWater) reuses++;
  highWater = Math.max(highWater, at + bytes);
  const view = new Float32Array(mem.buffer, at, size);
  const serial = serials++;
  live.splice(lastStartingAtOrBefore(live, at) + 1, 0, { at, bytes, serial, view: new WeakRef(view) });
  collected.register(view, { at, serial }, view);
  usedBytes += bytes;
  return view;
}

/** The address of `bytes` free bytes (first fit, then the untouched top), or undefined. */
function takeSpan(bytes: number, mem: ResidentMemory): number | undefined {
  for (let i = 0; i < free.length; i++) {
    const span = free[i]!;
    if (span.bytes < bytes) continue;
    const at = span.at;
    span.at += bytes;
    span.bytes -= bytes;
    if (span.bytes === 0) free.splice(i, 1);
    return at;
  }
  if (top + bytes > mem.start + mem.bytes) return undefined;
  const at = top;
  top += bytes;
  return at;
}

function releaseBlock(i: number): void {
  const [{ at, bytes }] = live.splice(i, 1) as [Block];
  usedBytes -= bytes;
  const j = lastStartingAtOrBefore(free, at) + 1;
  const before = free[j - 1];
  const after = free[j];
  let span: Span;
  if (before && before.at + before.bytes === at) {
    before.bytes += bytes;
    span = before;
  } else {
    span = { at, bytes };
    free.splice(j, 0, span);
  }
  if (after && span.at + span.bytes === after.at) {
    span.bytes += after.bytes;
    free.splice(free.indexOf(after), 1);
  }
  if (span.at + span.bytes === top) {
    top = span.at;
    free.splice(free.indexOf(span), 1);
  }
}

/** Whether `data` lies in resident memory. */
export function isResident(data: unknown): boolean {
  return memory != null && ArrayBuffer.isView(data) && data.buffer === memory.buffer;
}

/**
 * The canonical view of the block holding `data` (which must keep it alive while it is kept), or
 * undefined when `data` is not resident.
 */
export function residentOwner(data: unknown): Float32Array | undefined {
  if (!isResident(data)) return undefined;
  const at = (data as Float32Array).byteOffset;
  const block = live[lastStartingAtOrBefore(live, at)];
  if (!block || at >= block.at + block.bytes) return undefined;
  return block.view.deref();
}

/**
 * Whether a kernel may write `slack` bytes past the end of resident `view`: nothing else of its block lies
 * there. True for every whole array this module made and for views ending where it ends.
 */
export function endsItsBlock(view: Float32Array): boolean {
  const owner = residentOwner(view);
  return owner !== undefined && view.byteOffset + view.byteLength === owner.byteOffset + owner.byteLength;
}

/** Gives back the block of `view`, one of this module's canonical arrays, at once (`dispose()`). */
export function releaseResident(view: Float32Array): void {
  const i = liveIndex(view.byteOffset);
  if (i < 0 || live[i]!.view.deref() !== view) return;
  collected.unregister(view);
  releaseBlock(i);
}

/** Arrays made in memory an earlier array gave back, since the process started. */
export function residentReuses(): number {
  return reuses;
}

/** Bytes of resident memory in use (blocks with their slack), for {@link cpuPoolInfo}. */
export function residentBytes(): number {
  return usedBytes;
}
