/**
 * The one error family of @nn. Every message names the op, the shapes/dtypes/devices involved and,
 * where there is one, the fix: `matmul: inner dimensions differ: [2,3] @ [4,5] (3 != 4)`.
 */
export class NNError extends Error {
  /** The class name, for messages and logs. */
  override name = 'NNError';
  /** The op that raised it, e.g. `'matmul'`. */
  readonly op: string;
  /** Makes the message `op: message`; `options.cause` keeps the error this one wraps. */
  constructor(op: string, message: string, options?: ErrorOptions) {
    super(`${op}: ${message}`, options);
    this.op = op;
  }
}

/** Shapes that do not fit the op (PyTorch raises RuntimeError). */
export class ShapeError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'ShapeError';
}

/** A dtype the op does not accept. */
export class DTypeError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'DTypeError';
}

/** Tensors on different devices, or a device without a backend. */
export class DeviceError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'DeviceError';
}

/** An index or dim out of range (PyTorch raises IndexError). */
export class IndexError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'IndexError';
}

/** A bad argument value (PyTorch raises ValueError/RuntimeError). */
export class ValueError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'ValueError';
}

/** Formats a shape as PyTorch users read it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
