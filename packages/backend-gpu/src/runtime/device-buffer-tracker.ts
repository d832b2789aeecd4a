/**
 * Counts the kernel results a runtime has handed out and not yet released, and their bytes, so a test (or a
 * leak check in a training loop) can assert that live device memory stays flat, and a benchmark can report
 * the most it ever held.
 */
export class DeviceBufferTracker {
  #live = 0;
  #peak = 0;
  #liveBytes = 0;
  #peakBytes = 0;

  /** Results handed out and not released yet. */
  get live(): number {
    return this.#live;
  }

  /** The highest {@link live} count seen. */
  get peak(): number {
    return this.#peak;
  }

  /** Bytes of the results handed out and not released yet (float32 values: 4 bytes each). */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** The highest {@link liveBytes} seen. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** Records one new result of `bytes` bytes. */
  track(bytes: number): void {
    this.#peak = Math.max(this.#peak, ++this.#live);
    this.#liveBytes += bytes;
    this.#peakBytes = Math.max(this.#peakBytes, this.#liveBytes);
  }

  /** Records that one result of `bytes` bytes was released. */
  untrack(bytes: number): void {
    this.#live--;
    this.#liveBytes -= bytes;
  }
}
