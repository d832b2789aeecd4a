import { tensor, zeros } from '../creation';
import { type DType, resultType } from '../kernel/dtype';
import { fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { checkOptions, type OptionKeys } from '../options';
import type { Tensor, TensorOptions } from '../tensor';
import { cat, stack } from './join';
import { pad } from './shaping';

const INDEX_KEYS: OptionKeys<TensorOptions> = { dtype: true, device: true, requiresGrad: true };

function triangleIndices(
  op: string,
  row: number,
  col: number,
  offset: number,
  options: TensorOptions,
  keep: (r: number, c: number) => boolean,
): Tensor {
  checkOptions(op, options, INDEX_KEYS);
  for (const [name, v] of [
    ['row', row],
    ['col', col],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(op, `${name} must be a non-negative integer, got ${v}`);
  }
  if (!Number.isInteger(offset)) throw new ValueError(op, `offset must be an integer, got ${offset}`);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let r = 0; r < row; r++) {
    for (let c = 0; c < col; c++) {
      if (keep(r, c)) {
        rows.push(r);
        cols.push(c);
      }
    }
  }
  const { dtype = 'int32', ...rest } = options;
  return tensor([rows, cols], { dtype, ...rest }).reshape([2, rows.length]);
}

/** torch.tril_indices: the `[2, N]` row and column indices of the lower triangle of a `row x col` matrix. */
export function trilIndices(row: number, col: number, offset = 0, options: TensorOptions = {}): Tensor {
  return triangleIndices('trilIndices', row, col, offset, options, (r, c) => c - r <= offset);
}

/** torch.triu_indices: the `[2, N]` row and column indices of the upper triangle of a `row x col` matrix. */
export function triuIndices(row: number, col: number, offset = 0, options: TensorOptions = {}): Tensor {
  return triangleIndices('triuIndices', row, col, offset, options, (r, c) => c - r >= offset);
}

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** `'ij'` (matrix, PyTorch 1.13's default) or `'xy'` (Cartesian: the first two outputs' dims swapped). */
  indexing?: 'ij' | 'xy';
}

/**
 * torch.meshgrid: for N 0-d or 1-d tensors, N tensors of shape `[n1, ..., nN]` (`'xy'`: the first two
 * sizes swapped), the i-th varying along dim i. The outputs are broadcast views.
 */
export function meshgrid(tensors: readonly Tensor[], options: MeshgridOptions = {}): Tensor[] {
  checkOptions('meshgrid', options, { indexing: true });
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') {
    throw new ValueError('meshgrid', `indexing must be 'ij' or 'xy', got '${indexing}'`);
  }
  if (tensors.length === 0) throw new ValueError('meshgrid', 'expects a non-empty list of tensors');
  for (const t of tensors) {
    if (t.ndim > 1)
      throw new ShapeError('meshgrid', `expects 0D or 1D tensors, got shape ${fmtShape(t.shape)}`);
    if (t.dtype !== tensors[0]!.dtype) {
      throw new ValueError(
        'meshgrid',
        `expects all tensors to have the same dtype, got ${t.dtype} and ${tensors[0]!.dtype}`,
      );
    }
  }
  const swap = indexing === 'xy' && tensors.length >= 2;
  const ordered = swap ? [tensors[1]!, tensors[0]!, ...tensors.slice(2)] : [...tensors];
  const sizes = ordered.map((t) => t.numel());
  const grids = ordered.map((t, i) => t.reshape(sizes.map((s, d) => (d === i ? s : 1))).expand(sizes));
  return swap ? [grids[1]!, grids[0]!, ...grids.slice(2)] : grids;
}

/** torch.cartesian_prod: every combination of the 1-d inputs' elements, `[prod(n), N]` (1-d for one input). */
export function cartesianProd(...tensors: Tensor[]): Tensor {
  for (const t of tensors) {
    if (t.ndim !== 1)
      throw new ShapeError('cartesianProd', `expects 1D tensors, got shape ${fmtShape(t.shape)}`);
  }
  if (tensors.length === 1) return tensors[0]!;
  return stack(
    meshgrid(tensors, { indexing: 'ij' }).map((g) => g.reshape([-1])),
    1,
  );
}

/**
 * torch.block_diag: the inputs (0-d, 1-d as one row, or 2-d) along the diagonal of one matrix, zeros
 * elsewhere; the promoted dtype.
 */
export function blockDiag(...tensors: Tensor[]): Tensor {
  const blocks = tensors.map((t) => {
    if (t.ndim > 2)
      throw new ShapeError(
        'blockDiag',
        `Input tensors must have 2 or fewer dimensions, got shape ${fmtShape(t.shape)}`,
      );
    return t.ndim === 2 ? t : t.reshape([1, -1]);
  });
  if (blocks.length === 0) return zeros([1, 0]);
  const dtype: DType = blocks.map((b) => b.dtype).reduce((a, b) => resultType(a, b));
  const width = blocks.reduce((n, b) => n + b.shape[1]!, 0);
  let left = 0;
  const rows = blocks.map((b) => {
    const cols = b.shape[1]!;
    const padded = pad(b.to(dtype), [left, width - left - cols]);
    left += cols;
    return padded;
  });
  return cat(rows, 0);
}

/** torch.kron: the Kronecker product; the operands' dims are aligned from the right (missing dims size 1). */
export function kron(a: Tensor, b: Tensor): Tensor {
  const ndim = Math.max(a.ndim, b.ndim);
  const sa = [...Array(ndim - a.ndim).fill(1), ...a.shape] as number[];
  const sb = [...Array(ndim - b.ndim).fill(1), ...b.shape] as number[];
  const left = a.reshape(sa.flatMap((s) => [s, 1]));
  const right = b.reshape(sb.flatMap((s) => [1, s]));
  return left.mul(right).reshape(sa.map((s, i) => s * sb[i]!));
}
