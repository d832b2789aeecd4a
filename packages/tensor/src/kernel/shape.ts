import { fmtShape, IndexError, ShapeError } from './errors';

/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= Math.max(shape[d]!, 1);
  }
  return strides;
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validates a user-given shape: non-negative integers (one -1 allowed when `allowInfer`). */
export function checkShape(op: string, shape: readonly number[], allowInfer = false): void {
  let inferred = 0;
  for (const d of shape) {
    if (d === -1 && allowInfer) inferred++;
    else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, `invalid shape ${fmtShape(shape)}: sizes must be non-negative integers`);
    }
  }
  if (inferred > 1)
    throw new ShapeError(op, `only one dimension can be inferred (-1), got ${fmtShape(shape)}`);
}

/** torch.broadcast_shapes: aligns trailing dims; a size-1 dim stretches. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const shape of shapes) {
    const lead = ndim - shape.length;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i]!;
      const o = out[lead + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[lead + i] = d;
      else {
        throw new ShapeError(
          op,
          `shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast: size ${o} != ${d} at dim ${lead + i} ` +
            '(sizes must match or be 1)',
        );
      }
    }
  }
  return out;
}

/** Strides to read a tensor of (shape, strides) as if it had `outShape`: broadcast dims get stride 0. */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  outShape: readonly number[],
): number[] {
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : strides[i - lead]!));
}

/** Wraps a possibly negative dim into [0, ndim), as PyTorch does; 0-d tensors accept dim 0 and -1. */
export function normalizeDim(op: string, dim: number, ndim: number, extra = 0): number {
  const range = Math.max(ndim + extra, 1);
  if (!Number.isInteger(dim) || dim < -range || dim >= range) {
    throw new IndexError(
      op,
      `dimension out of range (expected to be in range of [${-range}, ${range - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + range : dim;
}

/** Normalizes a dim list (or all dims when undefined) to sorted unique non-negative dims. */
export function normalizeDims(
  op: string,
  dim: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  const dims = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(dims).size !== dims.length) {
    throw new ShapeError(op, `dim ${dims.join(',')} appears multiple times in the list of dims`);
  }
  return dims.filter((d) => d < ndim || ndim > 0).sort((a, b) => a - b);
}
