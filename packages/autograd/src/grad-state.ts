import { createModeScopes, findAsyncLocalStorage, type GradState, type ModeScopes } from './mode-scopes';

export type { GradState };

/** The mode store, created on first use (one per realm, like PyTorch's per-thread mode). */
let scopes: ModeScopes | undefined;

/** Where the recording mode lives (AsyncLocalStorage in Node; one checked global mode in browsers). */
export function modeScopes(): ModeScopes {
  scopes ??= createModeScopes(findAsyncLocalStorage());
  return scopes;
}

/** The recording mode of the running code (mutable: `setGradEnabled` writes to it). */
export function gradState(): GradState {
  return modeScopes().current();
}

/** Whether operations on tensors that require grad are currently recorded. */
export function isGradEnabled(): boolean {
  const state = modeScopes().current();
  return state.enabled && !state.inference;
}

/** Runs `fn` with recording off, restoring the previous mode afterwards (internal, synchronous). */
export function withoutGrad<T>(fn: () => T): T {
  return withGradEnabled(false, fn);
}

/** Runs `fn` with recording set to `enabled` (internal, synchronous). */
export function withGradEnabled<T>(enabled: boolean, fn: () => T): T {
  const state = gradState();
  const saved = state.enabled;
  state.enabled = enabled;
  try {
    return fn();
  } finally {
    state.enabled = saved;
  }
}
