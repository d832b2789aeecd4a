import { type GradState, gradState as mode } from './grad-state';
import { ensureInstalled } from './install';

/** Whether an {@link inferenceMode} block is running. */
export function isInferenceMode(): boolean {
  return mode.inference;
}

/**
 * Turns recording on or off until changed again (torch.set_grad_enabled as a function call). Prefer
 * {@link noGrad}/{@link enableGrad}, which restore the previous mode for you.
 */
export function setGradEnabled(enabled: boolean): void {
  ensureInstalled();
  mode.enabled = enabled;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` with the mode changed and restores the previous mode afterwards: when `fn` returns, throws,
 * or (for a Promise result) when that promise settles.
 */
function withMode<T>(next: Partial<GradState>, fn: () => T): T {
  ensureInstalled();
  const saved: GradState = { ...mode };
  Object.assign(mode, next);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    Object.assign(mode, saved);
    throw error;
  }
  if (isPromiseLike(result)) {
    const restore = () => Object.assign(mode, saved);
    return Promise.resolve(result).finally(restore) as T;
  }
  Object.assign(mode, saved);
  return result;
}

/**
 * Runs `fn` without recording operations (torch.no_grad): results do not require grad. Use it for
 * evaluation and for parameter updates. Nests, and restores the previous mode even if `fn` throws.
 *
 * If `fn` is async the mode is restored when its promise settles; other async work that runs while it is
 * awaited sees grad disabled too (JS has one global mode, like one thread in PyTorch).
 *
 * @example
 * ```ts
 * noGrad(() => w.sub_(w.grad!.mul(0.1)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withMode({ enabled: false }, fn);
}

/** Runs `fn` with recording on, even inside {@link noGrad} (torch.enable_grad). Same async caveat. */
export function enableGrad<T>(fn: () => T): T {
  return withMode({ enabled: true }, fn);
}

/**
 * Runs `fn` with autograd switched off entirely (torch.inference_mode): nothing is recorded and
 * {@link enableGrad} inside does not turn recording back on. Same async caveat as {@link noGrad}.
 */
export function inferenceMode<T>(fn: () => T): T {
  return withMode({ inference: true }, fn);
}
