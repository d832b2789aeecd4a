import { fmtShape, ShapeError } from './errors';
import { diagonalShape } from './ops/views';
import { ANY_DEVICE, registerKernel } from './registry';
import { contiguousStrides, shapeSize } from './shape';
import { relayout } from './view';

// View kernels share the input's storage: default implementations every device gets, never a copy.

/** Strides for viewing (shape, strides) as newShape without copying, or undefined (torch's computeStride). */
export function viewStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
) {
  // Empty and 0-d tensors can take any shape of the same size: every new dim has size 1 or nothing is stored.
  if (shapeSize(shape) === 0 || shape.length === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return undefined;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return undefined;
  return out;
}

/** Registers the view kernels (on {@link ANY_DEVICE}). */
export function registerViewKernels(): void {
  registerKernel('view', ANY_DEVICE, ([x], { shape }) => {
    const strides = viewStrides(x!.shape, x!.strides, shape);
    if (!strides) {
      throw new ShapeError(
        'view',
        `view size ${fmtShape(shape)} is not compatible with input tensor's size ${fmtShape(x!.shape)} and stride ` +
          `${fmtShape(x!.strides)} (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.`,
      );
    }
    return relayout(x!, shape, strides, x!.offset);
  });

  registerKernel('permute', ANY_DEVICE, ([x], { dims }) =>
    relayout(
      x!,
      dims.map((d) => x!.shape[d]!),
      dims.map((d) => x!.strides[d]!),
      x!.offset,
    ),
  );

  registerKernel('expand', ANY_DEVICE, ([x], { shape }) => {
    const lead = shape.length - x!.shape.length;
    const strides = shape.map((size, i) => {
      if (i < lead) return 0;
      const own = x!.shape[i - lead]!;
      return own === size ? x!.strides[i - lead]! : 0;
    });
    return relayout(x!, shape, strides, x!.offset);
  });

  registerKernel('slice', ANY_DEVICE, ([x], { dim, start, length, step }) => {
    const shape = [...x!.shape];
    const strides = [...x!.strides];
    shape[dim] = length;
    strides[dim] = x!.strides[dim]! * step;
    return relayout(x!, shape, strides, x!.offset + start * x!.strides[dim]!);
  });

  registerKernel('select', ANY_DEVICE, ([x], { dim, index }) =>
    relayout(
      x!,
      x!.shape.filter((_, i) => i !== dim),
      x!.strides.filter((_, i) => i !== dim),
      x!.offset + index * x!.strides[dim]!,
    ),
  );

  registerKernel('diagonal', ANY_DEVICE, ([x], { offset, dim1, dim2 }) => {
    const keep = x!.shape.map((_, i) => i).filter((i) => i !== dim1 && i !== dim2);
    const shape = diagonalShape(x!.shape, offset, dim1, dim2);
    const length = shape[shape.length - 1]!;
    const start = length === 0 ? 0 : offset >= 0 ? offset * x!.strides[dim2]! : -offset * x!.strides[dim1]!;
    return relayout(
      x!,
      shape,
      [...keep.map((i) => x!.strides[i]!), x!.strides[dim1]! + x!.strides[dim2]!],
      x!.offset + start,
    );
  });
}
