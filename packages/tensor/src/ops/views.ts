import { fmtShape, IndexError, ShapeError, ValueError } from '../kernel/errors';
import { checkShape, normalizeDim, normalizeDims, shapeSize } from '../kernel/shape';
import { viewStrides } from '../kernel/view-kernels';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';

/** Resolves a -1 in a target shape against `numel`. */
export function inferShape(op: string, shape: readonly number[], numel: number): number[] {
  checkShape(op, shape, true);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = [...shape];
  const at = shape.indexOf(-1);
  if (at >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(op, `shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    out[at] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(op, `shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/** A view with a new shape; throws (like PyTorch) when the strides do not allow it. `-1` is inferred. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return runKernel('view', [x], { shape: inferShape('view', shape, x.numel()) });
}

/** A view when the layout allows, else a contiguous copy (torch.reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', shape, x.numel());
  if (viewStrides(x.shape, x.strides, target)) return runKernel('view', [x], { shape: target });
  return runKernel('view', [x.contiguous()], { shape: target });
}

/**
 * torch.permute: a view with dims reordered. Throws ShapeError unless `dims` is a permutation of all dims.
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const norm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (norm.length !== x.ndim || new Set(norm).size !== norm.length) {
    throw new ShapeError(
      'permute',
      `number of dims don't match or repeat: input ${fmtShape(x.shape)} has ${x.ndim} dims, got (${dims.join(', ')})`,
    );
  }
  return runKernel('permute', [x], { dims: norm });
}

/** torch.transpose: a view with `dim0` and `dim1` swapped. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const dims = x.shape.map((_, i) => i);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  if (x.ndim === 0) return x;
  dims[a] = b;
  dims[b] = a;
  return runKernel('permute', [x], { dims });
}

/** Transposes a tensor of at most 2 dims (torch.t). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError('t', `expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/** Transposes the last two dims (torch's `.mT`). */
export function mT(x: Tensor): Tensor {
  if (x.ndim < 2)
    throw new ShapeError(
      'mT',
      `tensor.mT is only supported on matrices or batches of matrices. Got ${x.ndim}-D tensor.`,
    );
  return transpose(x, -2, -1);
}

/** Broadcasts to `shape` without copying; `-1` keeps a dim's size. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(
      'expand',
      `the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const target = shape.map((size, i) => {
    const own = i >= lead ? x.shape[i - lead]! : undefined;
    if (size === -1) {
      if (own === undefined)
        throw new ShapeError('expand', `-1 is not allowed in a leading, non-existing dimension ${i}`);
      return own;
    }
    if (own !== undefined && own !== size && own !== 1) {
      throw new ShapeError(
        'expand',
        `the expanded size of the tensor (${size}) must match the existing size (${own}) at non-singleton dimension ${i}. ` +
          `Target sizes: ${fmtShape(shape)}. Tensor sizes: ${fmtShape(x.shape)}`,
      );
    }
    return size;
  });
  checkShape('expand', target);
  return runKernel('expand', [x], { shape: target });
}

/** torch.squeeze: removes size-1 dims (all, or those of `dim` that have size 1). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : normalizeDims('squeeze', dim, x.ndim);
  const shape = x.shape.filter((s, i) => !(s === 1 && dims.includes(i)));
  return shape.length === x.ndim ? x : reshape(x, shape);
}

/** torch.unsqueeze: inserts a size-1 dim at `dim` (in [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim, 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** torch.flatten(x, startDim, endDim). */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new ValueError('flatten', 'start_dim cannot come after end_dim');
  const merged = shapeSize(x.shape.slice(s, e + 1));
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Splits dim `dim` into `sizes` (one may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim('unflatten', dim, x.ndim);
  const inner = inferShape('unflatten', sizes, x.shape[d]!);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** `length` elements of dim `dim` from `start` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size || length < 0 || s + length > size) {
    throw new IndexError(
      'narrow',
      `start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${d}`,
    );
  }
  return runKernel('slice', [x], { dim: d, start: s, length, step: 1 });
}

/** Python slicing `x[start:end:step]` along `dim` (negative and out-of-range bounds clamp like Python). */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new ValueError('slice', `step must be a positive integer, got ${step}`);
  const size = x.shape[d]!;
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = start === undefined ? 0 : clampIndex(start);
  const e = end === undefined ? size : clampIndex(end);
  const length = e > s ? Math.ceil((e - s) / step) : 0;
  return runKernel('slice', [x], { dim: d, start: s, length, step });
}

/** Index `index` of dim `dim`, removing the dim (torch.select / `x[i]`). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new IndexError('select', `index ${index} is out of bounds for dimension ${d} with size ${size}`);
  }
  return runKernel('select', [x], { dim: d, index: index < 0 ? index + size : index });
}

/** All slices along `dim`, as views. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim('unbind', dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

/** Views of `splitSize`-long pieces (or the given sizes) along `dim` (torch.split). */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0) {
      throw new ValueError('split', `split_size must be a positive integer, got ${splitSize}`);
    }
    sizes = [];
    for (let s = 0; s < size || (size === 0 && sizes.length === 0); s += splitSize)
      sizes.push(Math.min(splitSize, size - s));
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((p, s) => p + s, 0);
    if (total !== size) {
      throw new ShapeError(
        'split',
        `split_with_sizes expects split_sizes to sum exactly to ${size} (dim ${d}), but got ${fmtShape(sizes)}`,
      );
    }
  }
  let start = 0;
  return sizes.map((length) => {
    const piece = narrow(x, d, start, length);
    start += length;
    return piece;
  });
}

/** `chunks` nearly equal views along `dim` (the last may be smaller), as torch.chunk. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new ValueError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  return split(x, Math.max(1, Math.ceil(size / chunks)), d);
}

/** The diagonal of dims (dim1, dim2), offset above (>0) or below (<0) the main one, as the last dim. */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const a = normalizeDim('diagonal', dim1, x.ndim);
  const b = normalizeDim('diagonal', dim2, x.ndim);
  if (a === b) throw new ShapeError('diagonal', `diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  return runKernel('diagonal', [x], { offset, dim1: a, dim2: b });
}
