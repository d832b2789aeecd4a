/**
 * Counts the kernel results a runtime has handed out and not yet released, so a test (or a leak check in a
 * training loop) can assert that the number of live device buffers stays flat.
 */
export class DeviceBufferTracker {
  #live = 0;
  #peak = 0;

  /** Results handed out and not released yet. */
  get live(): number {
    return this.#live;
  }

  /** The highest {@link live} count seen. */
  get peak(): number {
    return this.#peak;
  }

  /** Records one new result. */
  track(): void {
    this.#peak = Math.max(this.#peak, ++this.#live);
  }

  /** Records that one result was released. */
  untrack(): void {
    this.#live--;
  }
}
