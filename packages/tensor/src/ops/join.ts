import { promoteTypes } from '../kernel/dtype';
import { fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { normalizeDim, sameShape } from '../kernel/shape';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { unsqueeze } from './views';

/** PyTorch's legacy rule: 1-D empty tensors are skipped by cat whatever the other shapes. */
const isLegacyEmpty = (t: Tensor): boolean => t.ndim === 1 && t.shape[0] === 0;

/**
 * Concatenates tensors along an existing dim (torch.cat). Shapes must match except along `dim`; dtypes
 * promote as PyTorch's (int32 + float32 -> float32); 1-D empty tensors are skipped, as torch does.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat', 'expected a non-empty list of tensors');
  tensors.forEach((t, i) => {
    if (t.ndim === 0) {
      throw new ShapeError(
        'cat',
        `zero-dimensional tensor (at position ${i}) cannot be concatenated; use stack, or unsqueeze it first`,
      );
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const kept = tensors.filter((t) => !isLegacyEmpty(t));
  // All skipped: the result is the (empty, 1-D) first tensor in the promoted dtype.
  const inputs = kept.length > 0 ? kept : [tensors[0]!];
  const ref = inputs[0]!;
  const d = normalizeDim('cat', dim, ref.ndim);
  tensors.forEach((t, position) => {
    if (isLegacyEmpty(t)) return;
    if (t.ndim !== ref.ndim) {
      throw new ShapeError(
        'cat',
        `tensors must have the same number of dimensions: got ${ref.ndim} and ${t.ndim} ` +
          `(shapes ${fmtShape(ref.shape)} and ${fmtShape(t.shape)} at position ${position})`,
      );
    }
    const bad = t.shape.findIndex((s, i) => i !== d && s !== ref.shape[i]);
    if (bad >= 0) {
      throw new ShapeError(
        'cat',
        `sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[bad]} but got size ` +
          `${t.shape[bad]} for tensor number ${position} in the list (shapes ${fmtShape(ref.shape)} and ` +
          `${fmtShape(t.shape)})`,
      );
    }
  });
  return runKernel('cat', inputs, { dim: d, dtype });
}

/** Joins equally shaped tensors along a new dim (torch.stack). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'expected a non-empty list of tensors');
  const ref = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, ref.shape)) {
      throw new ShapeError(
        'stack',
        `expects each tensor to be equal size, but got ${fmtShape(ref.shape)} at entry 0 and ` +
          `${fmtShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, ref.ndim, 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
