import { DTypeError, fmtShape, ShapeError, ValueError } from '../kernel/errors';
import { ANY_DEVICE } from '../kernel/registry';
import { broadcastShapes, shapeSize } from '../kernel/shape';
import { checkOptions, type OptionKeys } from '../options';
import { registerKernel, runKernel } from '../run-kernel';
import type { Tensor } from '../tensor';
import { mul } from './elementwise';

const ADDMM_KEYS: OptionKeys<{ beta?: number; alpha?: number }> = { beta: true, alpha: true };

function checkSameDtype(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype === 'bool' || b.dtype === 'bool') {
    throw new DTypeError(op, `not implemented for bool tensors; convert with .to('float32') first`);
  }
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      op,
      `expected both operands to have the same dtype, but got ${a.dtype} and ${b.dtype}; convert one with .to('${a.dtype}')`,
    );
  }
}

function checkInner(op: string, a: Tensor, b: Tensor, ka: number, kb: number): void {
  if (ka !== kb) {
    throw new ShapeError(
      op,
      `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${ka} != ${kb})`,
    );
  }
}

/**
 * The `matmul` kernel's contract: both operands 2-D (`[m,k] @ [k,n]`) or both 3-D with the same batch
 * (`[B,m,k] @ [B,k,n]`), any strides (transposed or batch-broadcast operands need no copy).
 */
function matmulKernel(a: Tensor, b: Tensor): Tensor {
  return runKernel('matmul', [a, b]);
}

/** Matrix product of two 2-D tensors. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new ShapeError('mm', `expected 2-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  checkSameDtype('mm', a, b);
  checkInner('mm', a, b, a.shape[1]!, b.shape[0]!);
  return matmulKernel(a, b);
}

/** Batched matrix product of two 3-D tensors with equal batch sizes. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new ShapeError('bmm', `expected 3-D tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  checkSameDtype('bmm', a, b);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      'bmm',
      `batch sizes differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${a.shape[0]} != ${b.shape[0]})`,
    );
  }
  checkInner('bmm', a, b, a.shape[2]!, b.shape[1]!);
  return matmulKernel(a, b);
}

/** Inner product of two 1-D tensors (0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError('dot', `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  checkSameDtype('dot', a, b);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      'dot',
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements`,
    );
  }
  return matmulKernel(a.unsqueeze(0), b.unsqueeze(1)).reshape([]);
}

/** Outer product of two 1-D tensors. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError('outer', `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  return mul(a.unsqueeze(1), b.unsqueeze(0));
}

/**
 * torch.matmul: 1-D operands are promoted to matrices (and the added dim removed afterwards), and batch
 * dims broadcast: `[j,1,n,m] @ [k,m,p] -> [j,k,n,p]`.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  checkSameDtype('matmul', a, b);
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b);
  const left = a.ndim === 1 ? a.unsqueeze(0) : a;
  const right = b.ndim === 1 ? b.unsqueeze(1) : b;
  const m = left.shape[left.ndim - 2]!;
  const k = left.shape[left.ndim - 1]!;
  const kb = right.shape[right.ndim - 2]!;
  const n = right.shape[right.ndim - 1]!;
  if (k !== kb) {
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k} != ${kb})`,
    );
  }
  let out: Tensor;
  if (left.ndim === 2 && right.ndim === 2) {
    out = matmulKernel(left, right);
  } else if (right.ndim === 2) {
    // [..., m, k] @ [k, n]: fold the batch into rows (a view when left's layout allows) for one big GEMM.
    out = matmulKernel(left.reshape(-1, k), right).reshape([...left.shape.slice(0, -1), n]);
  } else {
    const batch = broadcastShapes('matmul', left.shape.slice(0, -2), right.shape.slice(0, -2));
    const count = shapeSize(batch);
    const l = left.expand([...batch, m, k]).reshape(count, m, k);
    const r = right.expand([...batch, k, n]).reshape(count, k, n);
    out = matmulKernel(l, r).reshape([...batch, m, n]);
  }
  if (a.ndim === 1) out = out.squeeze(-2);
  if (b.ndim === 1) out = out.squeeze(-1);
  return out;
}

/**
 * `input @ weight^T + bias` (torch.nn.functional.linear) for `input [..., in]` (1-D included), `weight
 * [out, in]` and an optional `bias [out]`; the result is `[..., out]`. One `linear` kernel, where the CPU
 * adds the bias as the product is stored (as PyTorch's addmm does) instead of in a second pass. A bias of
 * another shape is broadcast and added after the product.
 *
 * @example
 * ```ts
 * const y = linear(randn([32, 784]), randn([128, 784]), zeros([128])); // [32, 128]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) {
    throw new ShapeError('linear', `expected a 2-D weight [out, in], got ${fmtShape(weight.shape)}`);
  }
  if (input.ndim === 0 || input.shape[input.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(
      'linear',
      `input shape ${fmtShape(input.shape)} does not fit weight shape ${fmtShape(weight.shape)}: the last ` +
        `dim of the input must equal weight.shape[1] (${weight.shape[1]})`,
    );
  }
  checkSameDtype('linear', input, weight);
  if (bias) checkSameDtype('linear', input, bias);
  const [inFeatures, outFeatures] = [weight.shape[1]!, weight.shape[0]!];
  const rows = input.ndim === 2 ? input : input.reshape(-1, inFeatures);
  const fused = !bias || (bias.ndim === 1 && bias.shape[0] === outFeatures);
  const product = runKernel('linear', bias && fused ? [rows, weight, bias] : [rows, weight]);
  const out = input.ndim === 2 ? product : product.reshape([...input.shape.slice(0, -1), outFeatures]);
  return bias && !fused ? out.add(bias) : out;
}

/** The `linear` kernel every device without its own runs: the product, then the bias added. */
export function registerCompositeLinear(): void {
  registerKernel(
    'linear',
    ANY_DEVICE,
    ([x, weight, bias]) => {
      const product = matmulKernel(x!, weight!.t());
      return bias ? product.add(bias) : product;
    },
    { composite: true },
  );
}

/** `beta * input + alpha * (mat1 @ mat2)` (torch.addmm). */
export function addmm(
  input: Tensor,
  mat1: Tensor,
  mat2: Tensor,
  options: { beta?: number; alpha?: number } = {},
): Tensor {
  checkOptions('addmm', options, ADDMM_KEYS);
  const { beta = 1, alpha = 1 } = options;
  const product = mm(mat1, mat2);
  const scaled = alpha === 1 ? product : product.mul(alpha);
  // beta = 0 ignores input's values (even NaN), as BLAS and PyTorch do; its shape must still broadcast.
  if (beta === 0) return scaled.expand(broadcastShapes('addmm', input.shape, scaled.shape));
  return scaled.add(input, { alpha: beta });
}

/**
 * torch.einsum for one or two operands, e.g. `'ij,jk->ik'`, `'bij,bkj->bik'`, `'i,i->'`, `'ij->ji'`,
 * `'bhqd,bhkd->bhqk'`. Indices are lowered onto permute/reshape and one batched matmul; an index that
 * appears in only one operand and not in the output is summed out. Repeated indices within one operand
 * (diagonals) and `...` are not supported.
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  const [lhs, rhsGiven] = equation.replace(/\s+/g, '').split('->') as [string, string | undefined];
  const inputs = lhs.split(',');
  if (inputs.length !== operands.length || operands.length < 1 || operands.length > 2) {
    throw new ValueError(
      'einsum',
      `equation '${equation}' names ${inputs.length} operands but ${operands.length} were given (1 or 2 supported)`,
    );
  }
  inputs.forEach((spec, i) => {
    if (!/^[a-zA-Z]*$/.test(spec) || new Set(spec).size !== spec.length) {
      throw new ValueError(
        'einsum',
        `operand ${i} subscripts '${spec}' must be distinct letters (no '...' or repeated indices)`,
      );
    }
    if (spec.length !== operands[i]!.ndim) {
      throw new ShapeError(
        'einsum',
        `operand ${i} has ${operands[i]!.ndim} dims but subscripts '${spec}' name ${spec.length}`,
      );
    }
  });
  const counts = new Map<string, number>();
  for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output =
    rhsGiven ??
    [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join('');
  const sizes = new Map<string, number>();
  for (const [i, spec] of inputs.entries()) {
    for (const [d, c] of [...spec].entries()) {
      const size = operands[i]!.shape[d]!;
      const known = sizes.get(c);
      if (known !== undefined && known !== size && known !== 1 && size !== 1) {
        throw new ShapeError(
          'einsum',
          `subscript '${c}' has size ${known} in one operand and ${size} in another`,
        );
      }
      sizes.set(c, Math.max(known ?? 1, size));
    }
  }
  // Sum out indices private to one operand that the output does not keep.
  const reduced = inputs.map((spec, i) => {
    const drop = [...spec].filter(
      (c) => !output.includes(c) && (inputs.length === 1 || !inputs[1 - i]!.includes(c)),
    );
    const t = drop.length ? operands[i]!.sum(drop.map((c) => spec.indexOf(c))) : operands[i]!;
    return { spec: [...spec].filter((c) => !drop.includes(c)).join(''), t };
  });
  if (reduced.length === 1) {
    const { spec, t } = reduced[0]!;
    return t.permute([...output].map((c) => spec.indexOf(c)));
  }
  const [A, B] = reduced as [(typeof reduced)[0], (typeof reduced)[0]];
  const batch = [...output].filter((c) => A.spec.includes(c) && B.spec.includes(c));
  const contract = [...A.spec].filter((c) => B.spec.includes(c) && !output.includes(c));
  const leftFree = [...A.spec].filter((c) => !B.spec.includes(c));
  const rightFree = [...B.spec].filter((c) => !A.spec.includes(c));
  const size = (cs: string[]) => cs.reduce((p, c) => p * sizes.get(c)!, 1);
  const arrange = (side: typeof A, order: string[], shape: number[]) =>
    side.t
      .permute(order.map((c) => side.spec.indexOf(c)))
      .expand(order.map((c) => sizes.get(c)!))
      .reshape(shape);
  const a3 = arrange(A, [...batch, ...leftFree, ...contract], [size(batch), size(leftFree), size(contract)]);
  const b3 = arrange(
    B,
    [...batch, ...contract, ...rightFree],
    [size(batch), size(contract), size(rightFree)],
  );
  const product = bmm(a3, b3).reshape([...batch, ...leftFree, ...rightFree].map((c) => sizes.get(c)!));
  const produced = [...batch, ...leftFree, ...rightFree];
  return product.permute([...output].map((c) => produced.indexOf(c)));
}
