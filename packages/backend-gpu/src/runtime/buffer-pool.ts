/** Counters of a {@link BufferPool}. */
export interface BufferPoolStats {
  /** Allocations served with a pooled buffer. */
  readonly hits: number;
  /** Allocations the pool had no buffer of that size for (a new one was created). */
  readonly misses: number;
  /** Buffers waiting in the pool now. */
  readonly pooled: number;
  /** Bytes those buffers hold. */
  readonly pooledBytes: number;
  /** The bound on {@link pooledBytes}. */
  readonly maxBytes: number;
  /** The bound on the buffers kept of one size. */
  readonly maxPerSize: number;
  /** Buffers freed because keeping them would have passed the bound. */
  readonly evicted: number;
}

/**
 * Released buffers kept for reuse, keyed by byte size. Only sizes that have been asked for are kept (a
 * buffer of another size is freed at once: nothing would reuse it), at most `maxPerSize` of one size, and
 * the pool is bounded: keeping one more that would pass `maxBytes` frees the longest-kept ones first, so
 * memory cannot grow without limit (0 keeps nothing).
 */
export class BufferPool<T> {
  readonly maxBytes: number;
  readonly maxPerSize: number;
  readonly #free: (buffer: T) => void;
  readonly #bySize = new Map<number, T[]>();
  /** Every pooled buffer with its size, oldest first (Map keeps insertion order). */
  readonly #sizes = new Map<T, number>();
  /** Sizes {@link take} has been asked for. */
  readonly #wanted = new Set<number>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evicted = 0;

  /** `free` destroys a buffer the pool lets go of. */
  constructor(maxBytes: number, free: (buffer: T) => void, maxPerSize = Number.POSITIVE_INFINITY) {
    this.maxBytes = maxBytes;
    this.maxPerSize = maxPerSize;
    this.#free = free;
  }

  /** A pooled buffer of exactly `bytes` bytes (a hit), or undefined (a miss). */
  take(bytes: number): T | undefined {
    const list = this.#bySize.get(bytes);
    if (!list) {
      this.#wanted.add(bytes);
      this.#misses++;
      return undefined;
    }
    const buffer = list[list.length - 1]!;
    this.#hits++;
    this.#remove(buffer, bytes);
    return buffer;
  }

  /** Keeps `buffer` (of `bytes` bytes) for reuse, evicting older ones past the bound. */
  give(buffer: T, bytes: number): void {
    if (!this.#wanted.has(bytes) || (this.#bySize.get(bytes)?.length ?? 0) >= this.maxPerSize) {
      this.#free(buffer);
      return;
    }
    if (bytes > this.maxBytes) {
      this.#evicted++;
      this.#free(buffer);
      return;
    }
    for (const [old, size] of this.#sizes) {
      if (this.#bytes + bytes <= this.maxBytes) break;
      this.#remove(old, size);
      this.#evicted++;
      this.#free(old);
    }
    let list = this.#bySize.get(bytes);
    if (!list) this.#bySize.set(bytes, (list = []));
    list.push(buffer);
    this.#sizes.set(buffer, bytes);
    this.#bytes += bytes;
  }

  /** Frees every pooled buffer. */
  clear(): void {
    for (const buffer of this.#sizes.keys()) this.#free(buffer);
    this.#sizes.clear();
    this.#bySize.clear();
    this.#bytes = 0;
  }

  /** The counters so far. */
  stats(): BufferPoolStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      pooled: this.#sizes.size,
      pooledBytes: this.#bytes,
      maxBytes: this.maxBytes,
      maxPerSize: this.maxPerSize,
      evicted: this.#evicted,
    };
  }

  #remove(buffer: T, bytes: number): void {
    const list = this.#bySize.get(bytes)!;
    list.splice(list.indexOf(buffer), 1);
    if (list.length === 0) this.#bySize.delete(bytes);
    this.#sizes.delete(buffer);
    this.#bytes -= bytes;
  }
}
