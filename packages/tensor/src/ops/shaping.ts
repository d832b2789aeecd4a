import { castScalar } from '../kernel/dtype';
import { fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { PAD_MODES, type PadMode } from '../kernel/pad-modes';
import { normalizeDim, normalizeDims } from '../kernel/shape';
import { runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { fromArray, scalarTensor, transfer } from '../wrap';
import { cat } from './join';
import { expand, flatten, narrow, reshape } from './views';

/**
 * torch.nn.functional.pad: `pads` lists (before, after) amounts starting from the LAST dim, as torch:
 * `[left, right, top, bottom, ...]`. Negative amounts crop. `reflect` needs each pad smaller than the
 * dim; `reflect`/`replicate` need non-empty padded dims. `circular` wraps around the part cropping
 * keeps, so each pad can be at most that size (wrapping once, as PyTorch).
 */
export function pad(x: Tensor, pads: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  if (pads.length % 2 !== 0) {
    throw new ValueError('pad', `padding length must be divisible by 2, got ${pads.length} values`);
  }
  if (pads.length / 2 > x.ndim) {
    throw new ValueError(
      'pad',
      `padding length too large: ${pads.length} values pad ${pads.length / 2} dims but the input ` +
        `${fmtShape(x.shape)} has ${x.ndim}`,
    );
  }
  if (!PAD_MODES.includes(mode)) {
    throw new ValueError(
      'pad',
      `mode must be one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}, got '${String(mode)}'`,
    );
  }
  if (pads.some((p) => !Number.isInteger(p))) {
    throw new ValueError('pad', `pads must be integers, got [${pads.join(', ')}]`);
  }
  const before = new Array<number>(x.ndim).fill(0);
  const after = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < pads.length / 2; i++) {
    const d = x.ndim - 1 - i;
    before[d] = pads[2 * i]!;
    after[d] = pads[2 * i + 1]!;
    const size = x.shape[d]!;
    const what = `padding (${before[d]}, ${after[d]}) at dimension ${d} of input ${fmtShape(x.shape)}`;
    if (size + before[d]! + after[d]! < 0) {
      throw new ShapeError('pad', `${what} gives a negative size ${size + before[d]! + after[d]!}`);
    }
    if ((mode === 'reflect' || mode === 'replicate') && size === 0) {
      throw new ShapeError('pad', `${mode} padding needs non-empty dims; ${what}`);
    }
    if (mode === 'reflect' && (before[d]! >= size || after[d]! >= size)) {
      throw new ShapeError('pad', `reflect padding must be smaller than the dimension's size; ${what}`);
    }
    const kept = size + Math.min(before[d]!, 0) + Math.min(after[d]!, 0);
    if (mode === 'circular' && (before[d]! > kept || after[d]! > kept)) {
      const limit = kept === size ? `the dimension's size ${size}` : `the ${kept} elements cropping keeps`;
      throw new ShapeError(
        'pad',
        `circular padding would wrap around more than once: each pad must be at most ${limit}; ${what}`,
      );
    }
  }
  return runKernel('pad', [x], { before, after, mode, value: castScalar(value, x.dtype) });
}

/** torch.flip: a copy with the order of elements reversed along each of `dims`. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  return runKernel('flip', [x], { dims: normalizeDims('flip', dims, x.ndim) });
}

/**
 * torch.roll: elements shifted by `shifts` along `dims` (wrapping around); without dims the tensor is
 * rolled as if flattened. Built from narrow + cat, so it needs no kernel or gradient of its own.
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[],
): Tensor {
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (dims === undefined) {
    if (shiftList.length !== 1) {
      throw new ValueError('roll', `without dims, shifts must be one number, got [${shiftList.join(', ')}]`);
    }
    return reshape(roll(flatten(x), shiftList, 0), x.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (shiftList.length !== dimList.length) {
    throw new ValueError(
      'roll',
      `shifts and dimensions must align: ${shiftList.length} shifts for ${dimList.length} dims`,
    );
  }
  let out = x;
  dimList.forEach((dim, i) => {
    const d = normalizeDim('roll', dim, x.ndim);
    const size = x.shape[d]!;
    const s = size === 0 ? 0 : ((shiftList[i]! % size) + size) % size;
    out = cat([narrow(out, d, size - s, s), narrow(out, d, 0, size - s)], d);
  });
  // No dims to roll still returns a copy, as torch.
  return out === x ? x.clone() : out;
}

/**
 * torch.Tensor.repeat: the tensor tiled `sizes[i]` times along dim i (extra leading sizes add dims).
 * An expand of an interleaved view, copied once: no kernel or gradient of its own.
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ShapeError(
      'repeat',
      `number of dimensions of repeat dims (${sizes.length}) can not be smaller than number of dimensions of ` +
        `tensor (${x.ndim}, shape ${fmtShape(x.shape)})`,
    );
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ValueError('repeat', `repeats must be non-negative integers, got [${sizes.join(', ')}]`);
  }
  const own = [...new Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  const interleaved = own.flatMap((s) => [1, s]);
  const expanded = own.flatMap((s, i) => [sizes[i]!, s]);
  const tiled = expand(reshape(x, interleaved), expanded).clone();
  return reshape(
    tiled,
    own.map((s, i) => s * sizes[i]!),
  );
}

/** torch.tile: {@link repeat} where missing leading `dims` count as 1. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  return repeat(x, [...new Array<number>(Math.max(x.ndim - dims.length, 0)).fill(1), ...dims]);
}

/** `where(keep, x, 0)` with `keep[i][j] = (j - i <= diagonal)` for tril, `>=` for triu, over the last two dims. */
function triangle(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(op, `input must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  }
  if (!Number.isInteger(diagonal)) throw new ValueError(op, `diagonal must be an integer, got ${diagonal}`);
  const [rows, cols] = x.shape.slice(-2) as [number, number];
  const keep = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++)
      keep[i * cols + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  }
  // The mask is built on the host and uploaded; x's values are never read here.
  const mask = transfer(fromArray(keep, [rows, cols], 'bool'), x.device);
  return runKernel('where', [mask, x, scalarTensor(0, x.dtype, x.device)], { dtype: x.dtype });
}

/** torch.tril: the lower triangle of the last two dims (on and below `diagonal`), zeros elsewhere. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal, true);
}

/** torch.triu: the upper triangle of the last two dims (on and above `diagonal`), zeros elsewhere. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal, false);
}
