/**
 * Resolves in a later task of the event loop, not in a microtask. A training loop whose only `await` is a
 * read (`await loss.data()`) on a mode that reads synchronously would otherwise never leave the microtask
 * queue, and the FinalizationRegistry that frees the device buffers of collected tensors would never get
 * to run.
 */
export function nextTask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  // Browsers: a message is a task without setTimeout's 4 ms clamp on nested calls.
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    (port1 as unknown as { onmessage: (() => void) | null }).onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
