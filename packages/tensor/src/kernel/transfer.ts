import { allocate, type TypedArray } from './dtype';
import { NNError } from './errors';
import { ANY_DEVICE, getBackend, registerKernel } from './registry';
import { Storage } from './storage';
import { stridedOffsets } from './strided-offsets';
import { isContiguous, makeView, numel, type TensorView } from './view';

/** The elements of `x` in row-major order, read from its whole storage `all` through its strides. */
export function gatherStrided(all: TypedArray, x: TensorView): TypedArray {
  // Always a copy: callers may keep or modify what they read without touching the tensor.
  if (isContiguous(x)) return all.slice(x.offset, x.offset + numel(x)) as TypedArray;
  const at = stridedOffsets(x.shape, x.strides, x.offset);
  const out = allocate(x.dtype, at.length);
  for (let i = 0; i < at.length; i++) out[i] = all[at[i]!]!;
  return out;
}

/**
 * `x`'s values as a new contiguous view on `device`, without recording: how the dispatcher moves the
 * inputs and outputs of a CPU fallback. Needs a source device that reads synchronously.
 */
export function transfer(x: TensorView, device: string): TensorView {
  if (x.device === device) return x;
  const source = getBackend(x.device, 'to');
  const target = getBackend(device, 'to');
  if (!source.readSync) {
    throw new NNError(
      'to',
      `device '${x.device}' reads asynchronously only; use await tensor.data() and create a new tensor`,
    );
  }
  // Gathered on the host rather than through the source's clone kernel: the source device may lack one,
  // and its CPU fallback would transfer again.
  const values = gatherStrided(source.readSync(x.storage), x);
  return makeView(new Storage(device, x.dtype, values.length, target.fromHost(values, x.dtype)), x.shape);
}

/** Registers `toDevice` for every device: a transfer through the host. */
export function registerTransferKernel(): void {
  registerKernel('toDevice', ANY_DEVICE, ([x], { device }) => transfer(x!, device));
}
