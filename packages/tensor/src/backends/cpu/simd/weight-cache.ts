import { isPrivateArray } from '../../../kernel/host-pool';
import { isResident } from '../../../kernel/resident-arena';
import type { Storage } from '../../../kernel/storage';
import { CACHE_BYTES, MEMORY_BYTES, simdKernels } from './module';

// Weights kept in the SIMD kernels' memory between calls: batch-1 inference copied a Linear layer's whole
// weight in on every call. An entry is valid while its storage's version is unchanged, which holds only
// for arrays nothing outside the framework can write: those the allocator made for that storage alone and
// never handed out (host-pool's isPrivateArray), so in-place ops, optimizer steps and loadStateDict (which
// bump the version) are their only writers. When the cache is full, every entry is dropped at once and
// filling starts over.

interface Entry {
  readonly generation: number;
  readonly version: number;
  readonly first: number;
  readonly floats: number;
  readonly address: number;
}

const entries = new WeakMap<Float32Array, Entry>();
let generation = 0;
let top = MEMORY_BYTES;

/**
 * The byte address in the SIMD kernels' memory of `floats` values of `data` from `first`: where they
 * are for a resident array (see resident-arena), else copied there now or on an earlier call, or
 * undefined when `data` may not be cached (unknown or shared storage, too large) or WebAssembly SIMD is
 * missing.
 */
export function residentWeight(
  data: Float32Array,
  storage: Storage | undefined,
  first: number,
  floats: number,
): number | undefined {
  if (isResident(data)) return data.byteOffset + 4 * first; // already in the kernels' memory
  const kernels = simdKernels();
  const bytes = floats * 4;
  if (!kernels || !storage || bytes > CACHE_BYTES || !isPrivateArray(data, storage)) return undefined;
  const entry = entries.get(data);
  if (
    entry?.generation === generation &&
    entry.version === storage.version &&
    entry.first === first &&
    entry.floats === floats
  ) {
    return entry.address;
  }
  if (top + bytes > MEMORY_BYTES + CACHE_BYTES) {
    generation++;
    top = MEMORY_BYTES;
  }
  const address = top;
  top += Math.ceil(bytes / 16) * 16;
  kernels.memory.set(data.subarray(first, first + floats), address / 4);
  entries.set(data, { generation, version: storage.version, first, floats, address });
  return address;
}
