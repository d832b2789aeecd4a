import { ShapeError, type Tensor } from '@nn/tensor';

/** Highest rank a strided kernel walks (after merging dims); gpu.js kernels have no dynamic arrays. */
export const MAX_RANK = 6;

/** Strides reading a tensor as if it had `shape` (broadcast dims get stride 0). */
export function stridesFor(t: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - t.ndim;
  return shape.map((_, i) => (i < lead || t.shape[i - lead] === 1 ? 0 : t.strides[i - lead]!));
}

/**
 * Drops size-1 dims and merges neighbours every operand walks as one (`stride[d] == stride[d+1] *
 * size[d+1]`), so most calls need one or two dims. Fails past {@link MAX_RANK}.
 */
export function collapse(
  op: string,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strides.forEach((s, j) => {
        outStrides[j]![last] = s[d]!;
      });
    } else {
      outShape.push(size);
      strides.forEach((s, j) => {
        outStrides[j]!.push(s[d]!);
      });
    }
  }
  if (outShape.length > MAX_RANK) {
    throw new ShapeError(
      op,
      `the gpu kernel walks at most ${MAX_RANK} non-mergeable dims, got shape [${shape}]; ` +
        'make the operands contiguous() or move them to the cpu',
    );
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * A walk table for {@link walkSource}: sizes (padded in front with 1s to {@link MAX_RANK}), then each
 * operand's strides, then each operand's offset.
 */
export function walkTable(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
): number[] {
  const pad = MAX_RANK - shape.length;
  const table = [...new Array<number>(pad).fill(1), ...shape];
  for (const s of strides) table.push(...new Array<number>(pad).fill(0), ...s);
  table.push(...offsets);
  return table;
}

/** Number of entries of a walk table over `operands` operands. */
export function walkTableLength(operands: number): number {
  return MAX_RANK * (1 + operands) + operands;
}

/**
 * Kernel source that splits the flat index `index` over the table at `table[base...]` and declares
 * `${prefix}0..` as each operand's element offset. Unrolled (WGSL cannot count a float loop down) and
 * index arithmetic stays in exact float integers: `(r + 0.5) / size` never rounds across an integer.
 */
export function walkSource(
  prefix: string,
  index: string,
  table: string,
  base: number,
  operands: number,
): string {
  const lines = [`let ${prefix}r = ${index};`];
  for (let j = 0; j < operands; j++) {
    lines.push(`let ${prefix}${j} = ${table}[${base + MAX_RANK * (1 + operands) + j}];`);
  }
  for (let d = MAX_RANK - 1; d >= 0; d--) {
    const size = `${table}[${base + d}]`;
    if (d > 0) {
      lines.push(`const ${prefix}q${d} = Math.floor((${prefix}r + 0.5) / ${size});`);
      lines.push(`const ${prefix}i${d} = ${prefix}r - ${prefix}q${d} * ${size};`);
      lines.push(`${prefix}r = ${prefix}q${d};`);
    } else {
      lines.push(`const ${prefix}i${d} = ${prefix}r;`);
    }
    for (let j = 0; j < operands; j++) {
      lines.push(`${prefix}${j} += ${prefix}i${d} * ${table}[${base + MAX_RANK * (1 + j) + d}];`);
    }
  }
  return lines.join('\n');
}
