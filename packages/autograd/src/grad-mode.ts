import { type GradState, gradState, modeScopes } from './grad-state';
import { ensureInstalled } from './install';

/** Whether an {@link inferenceMode} block is running. */
export function isInferenceMode(): boolean {
  return gradState().inference;
}

/**
 * Turns recording on or off until changed again (torch.set_grad_enabled as a function call). Inside a
 * {@link noGrad}/{@link enableGrad} block it lasts until the block ends. Prefer those, which restore the
 * previous mode for you.
 */
export function setGradEnabled(enabled: boolean): void {
  ensureInstalled();
  gradState().enabled = enabled;
}

/** Runs `fn` in a scope whose mode is the caller's with `change` applied. */
function withMode<T>(op: string, change: Partial<GradState>, fn: () => T): T {
  ensureInstalled();
  return modeScopes().run(op, { ...gradState(), ...change }, fn);
}

/**
 * Runs `fn` without recording operations (torch.no_grad): results do not require grad. Use it for
 * evaluation and for parameter updates. Nests, and restores the previous mode even if `fn` throws.
 *
 * An async `fn` keeps the mode across its `await`s while other code keeps its own: in Node each async
 * scope has its own mode (AsyncLocalStorage), so overlapping scopes cannot disturb each other. Where there
 * is no async context (browsers) one global mode is switched, and an async scope that settles while a
 * later one is still running is rejected with an error instead of leaving the mode wrong.
 *
 * @example
 * ```ts
 * noGrad(() => w.sub_(w.grad!.mul(0.1)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withMode('noGrad', { enabled: false }, fn);
}

/** Runs `fn` with recording on, even inside {@link noGrad} (torch.enable_grad). Async as {@link noGrad}. */
export function enableGrad<T>(fn: () => T): T {
  return withMode('enableGrad', { enabled: true }, fn);
}

/**
 * Runs `fn` with autograd switched off entirely (torch.inference_mode): nothing is recorded and
 * {@link enableGrad} inside does not turn recording back on. Async as {@link noGrad}.
 */
export function inferenceMode<T>(fn: () => T): T {
  return withMode('inferenceMode', { inference: true }, fn);
}
