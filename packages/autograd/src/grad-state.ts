/** The global recording mode, shared by the public switches and the recorder. */
export interface GradState {
  enabled: boolean;
  inference: boolean;
}

// One global mode, as PyTorch's thread-local one (JS runs one thread per realm).
export const gradState: GradState = { enabled: true, inference: false };

/** Whether operations on tensors that require grad are currently recorded. */
export function isGradEnabled(): boolean {
  return gradState.enabled && !gradState.inference;
}

/** Runs `fn` with recording off, restoring the previous mode afterwards (internal, synchronous). */
export function withoutGrad<T>(fn: () => T): T {
  return withGradEnabled(false, fn);
}

/** Runs `fn` with recording set to `enabled` (internal, synchronous). */
export function withGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const saved = gradState.enabled;
  gradState.enabled = enabled;
  try {
    return fn();
  } finally {
    gradState.enabled = saved;
  }
}
