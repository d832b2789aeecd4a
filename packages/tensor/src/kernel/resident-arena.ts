/**
 * Float32 tensor memory inside the SIMD kernels' WebAssembly memory ("resident" arrays), so those kernels
 * read and write tensors where they are instead of copying every operand in and every result out (for an
 * add of 1e6 floats the three copies took 0.41 ms, against PyTorch's 0.16 ms for the whole add).
 *
 * The memory is fixed in size and never grown, so no view of it is ever detached. Each block holds one
 * array, followed by `slack` bytes the kernels may touch past its end (their padding lanes, exp's range
 * flags). A block is reused only when no view of it can be reached:
 * - when `dispose()` releases it under the host pool's rules (one storage, never handed out), or
 * - when the garbage collector has taken every view of it that outlives a kernel call: its canonical
 *   array (the one {@link takeResidentFloats} returned) and every other view the host pool saw wrapped by
 *   a storage or handed to user code ({@link holdResident}).
 * The collector is no substitute for `dispose()` here: V8 sees only a small array object per block, so
 * nothing prompts it to collect, and finalizers run between tasks only, never inside a synchronous
 * training loop. So that dead tensors don't fill the region, a kernel output takes a block only in a size
 * some array was disposed of before (a loop that disposes, backward's used-up gradients, an in-place
 * op's carrier), and only while few blocks of that size are out; copies of user data (`tensor(array)`)
 * may use half the region. Anything else gets an ordinary array, which the kernels copy as before. (No
 * WeakRef here: V8 keeps a WeakRef's target alive until the current job ends.)
 */

/** Where the resident memory lies: bytes [start, start + bytes) of `buffer`. */
export interface ResidentMemory {
  readonly buffer: ArrayBufferLike;
  readonly start: number;
  readonly bytes: number;
  /** Bytes past each array's end that kernels may read and write. */
  readonly slack: number;
}

/** One array's memory: `bytes` from `at`, the array's values ending at `dataEnd`, the slack after. */
export interface ResidentBlock {
  readonly at: number;
  readonly bytes: number;
  readonly dataEnd: number;
  /** Whether it holds a copy of user data (see {@link ResidentUse}). */
  readonly copy: boolean;
  /** Views of it registered for finalization and not yet collected. */
  views: number;
}

interface Span {
  at: number;
  bytes: number;
}

/** Block starts fall on 64-byte lines (a cache line, and every SIMD kernel's alignment). */
const ALIGN = 64;
/** Blocks of one size a kernel output may hold at once (live, or dead and not yet collected). */
const OUTPUTS_PER_SIZE = 8;

/** What a block is for: a kernel's output, or a copy of user data. */
export type ResidentUse = 'output' | 'copy';

let source: (() => ResidentMemory | undefined) | undefined;
let memory: ResidentMemory | null | undefined;
/** Blocks in use, by address. */
const live: ResidentBlock[] = [];
/** The arrays {@link takeResidentFloats} made, while they live. */
const canonical = new WeakSet<Float32Array>();
/** Views {@link holdResident} has registered. */
const held = new WeakSet<object>();
/** Free spans below `top`, by address, never adjacent (freeing merges neighbours). */
const free: Span[] = [];
let top = 0;
let usedBytes = 0;
let copyBytes = 0;
/** Output blocks out, by byte size. */
const outputsOut = new Map<number, number>();
/** Array lengths some float32 array was disposed of in. */
const disposedSizes = new Set<number>();
/** The highest address handed out so far: blocks below it reuse memory given back. */
let highWater = 0;
let reuses = 0;

const collected = new FinalizationRegistry<ResidentBlock>((block) => {
  if (--block.views === 0) releaseBlock(block);
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

/** Records that a float32 array of `size` elements was disposed of: outputs of that size may be resident. */
export function noteDisposedFloats(size: number): void {
  if (disposedSizes.size >= 256) disposedSizes.clear(); // a bound, should sizes never repeat
  disposedSizes.add(size);
}

/**
 * A resident float32 array of `size` elements (not zeroed) for `use`, or undefined when resident memory is
 * missing (no WebAssembly SIMD) or full, or `use` may not have more of it (see the module comment).
 */
export function takeResidentFloats(size: number, use: ResidentUse): Float32Array | undefined {
  const mem = residentMemory();
  if (!mem) return undefined;
  const bytes = Math.ceil((size * 4 + mem.slack) / ALIGN) * ALIGN;
  const outputs = outputsOut.get(bytes) ?? 0;
  if (
    use === 'output'
      ? !disposedSizes.has(size) || outputs >= OUTPUTS_PER_SIZE
      : copyBytes + bytes > mem.bytes / 2
  )
    return undefined;
  const at = takeSpan(bytes, mem);
  if (at === undefined) return undefined;
  if (at < highWater) reuses++;
  highWater = Math.max(highWater, at + bytes);
  const view = new Float32Array(mem.buffer, at, size);
  const block: ResidentBlock = { at, bytes, dataEnd: at + 4 * size, copy: use === 'copy', views: 1 };
  live.splice(lastStartingAtOrBefore(live, at) + 1, 0, block);
  collected.register(view, block, view);
  canonical.add(view);
  usedBytes += bytes;
  if (block.copy) copyBytes += bytes;
  else outputsOut.set(bytes, outputs + 1);
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

function releaseBlock(block: ResidentBlock): void {
  const { at, bytes } = block;
  live.splice(live.indexOf(block, lastStartingAtOrBefore(live, at)), 1);
  usedBytes -= bytes;
  if (block.copy) copyBytes -= bytes;
  else outputsOut.set(bytes, outputsOut.get(bytes)! - 1);
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

/** The block holding resident `data`, or undefined for other arrays. */
export function residentBlock(data: unknown): ResidentBlock | undefined {
  if (!isResident(data)) return undefined;
  const at = (data as Float32Array).byteOffset;
  const block = live[lastStartingAtOrBefore(live, at)];
  return block && at < block.dataEnd ? block : undefined;
}

/** Whether `data` is the whole array {@link takeResidentFloats} made for its block. */
export function isCanonicalResident(data: unknown): boolean {
  return canonical.has(data as Float32Array);
}

/**
 * `view` of `block` may be read after the current kernel call (a storage wraps it, user code has it): the
 * block stays in use until the garbage collector takes it too.
 */
export function holdResident(view: object, block: ResidentBlock): void {
  if (held.has(view)) return; // read out again, wrapped again: one hold per view is enough
  held.add(view);
  block.views++;
  collected.register(view, block);
}

/** Whether byte ranges `[a, a + aBytes)` and `[b, b + bBytes)` share a byte. */
export function spansOverlap(a: number, aBytes: number, b: number, bBytes: number): boolean {
  return a < b + bBytes && b < a + aBytes;
}

/**
 * Whether a kernel may write `slack` bytes past the end of resident `view`: nothing else of its block lies
 * there. True for every whole array this module made and for views ending where it ends.
 */
export function endsItsBlock(view: Float32Array): boolean {
  return view.byteOffset + view.byteLength === residentBlock(view)?.dataEnd;
}

/**
 * Gives back at once (`dispose()`) the block of `view`, one of this module's arrays that no other view
 * was held of.
 */
export function releaseResident(view: Float32Array, block: ResidentBlock): void {
  if (!canonical.has(view) || block.views !== 1) return;
  canonical.delete(view);
  collected.unregister(view);
  releaseBlock(block);
}

/** Arrays made in memory an earlier array gave back, since the process started. */
export function residentReuses(): number {
  return reuses;
}

/** Bytes of resident memory in use (blocks with their slack), for {@link cpuPoolInfo}. */
export function residentBytes(): number {
  return usedBytes;
}
