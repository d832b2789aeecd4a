import { allocate, contiguousStrides, type DType, Tensor, type TypedArray } from '..';
import { stridedOffsets } from '../kernel/strided-offsets';
import type { Layout } from './conformance-case';

/** The hidden elements of a `sliced` input's parent, which the op must neither read into nor write. */
export interface SliceGuard {
  /** Which input the guard belongs to. */
  input: number;
  /** The parent on the device; its even positions along the last dim hold `filler`. */
  parent: Tensor;
  filler: TypedArray;
}

/** One layout's inputs: CPU reference values, the device tensors the op gets, and the slice guards. */
export interface PreparedInputs {
  reference: Tensor[];
  onDevice: Tensor[];
  guards: SliceGuard[];
  /** Whether the layout changed any input (if not, it would repeat the contiguous run). */
  relaid: boolean;
}

/** Row-major copy of the strided view (`shape`, `strides`, `offset`) of host `values`. */
function gatherStrided(
  values: TypedArray,
  dtype: DType,
  shape: readonly number[],
  strides: readonly number[],
): TypedArray {
  const at = stridedOffsets(shape, strides, 0);
  const out = allocate(dtype, at.length);
  for (let i = 0; i < at.length; i++) out[i] = values[at[i]!]!;
  return out;
}

/** A value unlike any input value of `dtype`, so reading it into a result shows up. */
function fillerFor(values: TypedArray, dtype: DType): TypedArray {
  const filler = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    filler[i] = dtype === 'bool' ? 1 - values[i]! : dtype === 'int32' ? -777 : Number.NaN;
  }
  return filler;
}

// Built on the host from typed arrays, so preparing a layout runs none of the kernels under test.
function relay(
  x: Tensor,
  layout: Layout,
  device: string,
  index: number,
): { reference: Tensor; onDevice: Tensor; guard?: SliceGuard } | undefined {
  const { shape, dtype } = x;
  const values = x.dataSync();
  if (layout === 'transposed' && x.ndim >= 2) {
    const perm = shape.map((_, d) => shape.length - 1 - d);
    const strides = contiguousStrides(shape);
    const parentShape = perm.map((d) => shape[d]!);
    const parent = gatherStrided(
      values,
      dtype,
      parentShape,
      perm.map((d) => strides[d]!),
    );
    return { reference: x, onDevice: Tensor.fromArray(parent, parentShape, dtype).to(device).permute(perm) };
  }
  if (layout === 'sliced' && x.ndim >= 1) {
    const parentShape = [...shape.slice(0, -1), 2 * shape[shape.length - 1]!];
    const filler = fillerFor(values, dtype);
    const parent = allocate(dtype, 2 * values.length);
    for (let i = 0; i < values.length; i++) {
      parent[2 * i] = filler[i]!;
      parent[2 * i + 1] = values[i]!;
    }
    const onParent = Tensor.fromArray(parent, parentShape, dtype).to(device);
    return {
      reference: x,
      onDevice: onParent.slice(-1, 1, undefined, 2),
      guard: { input: index, parent: onParent, filler },
    };
  }
  if (layout === 'expanded' && x.ndim >= 1 && shape[0]! > 1) {
    const rowShape = [1, ...shape.slice(1)];
    const row = values.slice(0, values.length / shape[0]!) as TypedArray;
    const broadcast = gatherStrided(row, dtype, shape, [0, ...contiguousStrides(shape).slice(1)]);
    return {
      reference: Tensor.fromArray(broadcast, shape, dtype),
      onDevice: Tensor.fromArray(row, rowShape, dtype).to(device).expand(shape),
    };
  }
  return undefined;
}

/**
 * Lays `inputs` (contiguous CPU tensors) out on `device` in `layout`. Only inputs listed in `relayout`
 * (default: all) change; the in-place target is never expanded (writing a broadcast view is an error).
 * Device tensors never share memory with the reference ones.
 */
export function prepareInputs(
  inputs: readonly Tensor[],
  layout: Layout,
  device: string,
  relayout: readonly number[] | undefined,
  inplace: number | undefined,
): PreparedInputs {
  const prepared: PreparedInputs = { reference: [], onDevice: [], guards: [], relaid: false };
  inputs.forEach((x, i) => {
    const eligible =
      (relayout ?? inputs.map((_, j) => j)).includes(i) && !(layout === 'expanded' && i === inplace);
    const moved = eligible && layout !== 'contiguous' ? relay(x, layout, device, i) : undefined;
    if (moved) {
      prepared.reference.push(moved.reference);
      prepared.onDevice.push(moved.onDevice);
      if (moved.guard) prepared.guards.push(moved.guard);
      prepared.relaid = true;
    } else {
      prepared.reference.push(x);
      prepared.onDevice.push(Tensor.fromArray(x.dataSync(), x.shape, x.dtype).to(device));
    }
  });
  return prepared;
}
