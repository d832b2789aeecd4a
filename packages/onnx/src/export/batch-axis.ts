import type { GraphValue } from './graph-builder';

// With a dynamic batch, the traced sizes of the batch axis are the example's, not the model's: shapes the
// graph writes down (Reshape targets, Expand shapes, Slice ends) must leave that axis open. These rules say
// where the batch axis of an op's output is, from where it is in the inputs.

/** The batch axis of a broadcasting op's output (inputs aligned at their last dims). */
export function broadcastAxis(inputs: readonly GraphValue[], outRank: number): number | null {
  for (const v of inputs) if (v.batchAxis !== null) return outRank - (v.shape.length - v.batchAxis);
  return null;
}

/** The batch axis after reducing `dims` (null when the batch is reduced). */
export function reducedAxis(axis: number | null, dims: readonly number[], keepdim: boolean): number | null {
  if (axis === null || dims.includes(axis)) return null;
  return keepdim ? axis : axis - dims.filter((d) => d < axis).length;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Where the batch lands in a reshape: the output axis that starts at the same flat offset as the input's
 * batch axis (`[N, C, H, W] -> [N, C*H*W]`, `[N, T, D] -> [N*T, D]` and back). Null when no output axis
 * starts there (the reshape mixes the batch with the dims before it).
 */
export function reshapedAxis(from: GraphValue, to: readonly number[]): number | null {
  if (from.batchAxis === null) return null;
  const before = product(from.shape.slice(0, from.batchAxis));
  const batch = from.shape[from.batchAxis]!;
  const starts = to.map((_, j) => j).filter((j) => product(to.slice(0, j)) === before);
  // Size-1 axes start where the next one does: prefer the one the batch kept its size in (also for an
  // example batch of 1), else the one it was merged into.
  return starts.find((j) => to[j] === batch) ?? starts.find((j) => to[j] !== 1) ?? null;
}

/** `shape` with the batch axis (if any) written as -1, for a Reshape that works for any batch size. */
export function openShape(shape: readonly number[], axis: number | null): number[] {
  return shape.map((d, i) => (i === axis ? -1 : d));
}
