import { NNError } from '@nn/tensor';

/**
 * Runs `fn`, a composite built on another op, so that its errors name `op` (the function the user
 * called) instead of the op underneath: the same error class and message, with `op` in front.
 */
export function asOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof NNError) || e.op === op) throw e;
    const Class = e.constructor as new (op: string, message: string, options?: ErrorOptions) => NNError;
    throw new Class(op, `${e.message.slice(e.op.length + 2)} (in ${e.op})`, { cause: e });
  }
}
