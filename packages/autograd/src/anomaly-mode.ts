import { ValueError } from '@nn/tensor';

// Anomaly detection (torch.autograd.detect_anomaly): one global flag, as torch's AnomalyMode.

let enabled = false;

/** Whether anomaly detection is on (torch.is_anomaly_enabled). */
export function isAnomalyEnabled(): boolean {
  return enabled;
}

/**
 * Turns anomaly detection on or off until changed again (torch.autograd.set_detect_anomaly). While on,
 * every recorded op keeps the stack of the code that ran it, and backward checks each gradient a node
 * returns: the first one with a NaN throws, naming the node (`MulBackward`) and where its forward op
 * was called. It slows both passes down; use it to debug.
 */
export function setDetectAnomaly(mode: boolean): void {
  if (typeof mode !== 'boolean') {
    throw new ValueError('setDetectAnomaly', `mode must be true or false, got ${typeof mode}`);
  }
  enabled = mode;
}

/**
 * Runs `fn` with anomaly detection on (torch.autograd.detect_anomaly), restoring the previous setting
 * afterwards; for an async `fn`, once its Promise settles.
 *
 * @example
 * ```ts
 * const x = tensor([0, 1], { requiresGrad: true });
 * detectAnomaly(() => x.sqrt().mul(0).sum().backward());
 * // throws: backward: Function 'SqrtBackward' returned nan values in its 0th output. ...
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = enabled;
  enabled = true;
  let result: T;
  try {
    result = fn();
  } catch (error) {
    enabled = previous;
    throw error;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      enabled = previous;
    }) as T;
  }
  enabled = previous;
  return result;
}

/** The caller's stack without @nn's own frames: where a forward op was called from. */
export function forwardStack(): string {
  // the dispatcher's frames alone can fill V8's default limit of 10
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames = stack.split('\n').slice(1);
  const user = frames.filter((line) => !/[/\\](autograd|tensor)[/\\](src|dist)[/\\]/.test(line));
  return (user.length > 0 ? user : frames).join('\n');
}
