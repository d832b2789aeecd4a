import { freeTemporaries } from '@nn/autograd';
import { linear as linearOp, matmul, ShapeError, type Tensor } from '@nn/tensor';

/**
 * `x @ weight^T + bias` for `x` of shape `[..., inFeatures]` and `weight` of shape `[outFeatures, inFeatures]`
 * (`F.linear`): @nn/tensor's `linear`, which the CPU runs as one product with the bias added as it is stored.
 * A device without its own kernel multiplies then adds; the product is freed as soon as the sum exists.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return freeTemporaries(x.device, () => linearOp(x, weight, bias));
}

/**
 * `y[..., k] = x1[..., :] @ weight[k] @ x2[..., :] + bias[k]` for `weight` of shape `[out, in1, in2]`.
 */
export function bilinear(x1: Tensor, x2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const [out, in1, in2] = weight.shape as [number, number, number];
  const lead = x1.shape.slice(0, -1);
  if (
    weight.ndim !== 3 ||
    x1.shape[x1.ndim - 1] !== in1 ||
    x2.shape[x2.ndim - 1] !== in2 ||
    x2.ndim !== x1.ndim ||
    x2.shape.slice(0, -1).some((d, i) => d !== lead[i])
  ) {
    throw new ShapeError(
      'bilinear',
      `inputs [${x1.shape.join(',')}] and [${x2.shape.join(',')}] do not fit weight [${weight.shape.join(',')}]: ` +
        'they need the same leading dims and last dims equal to weight.shape[1] and weight.shape[2]',
    );
  }
  // (x1 @ W_k) for every k at once: [B, in1] @ [in1, out*in2] -> [B, out, in2], then dot with x2.
  const a = x1.reshape([-1, in1]);
  const b = x2.reshape([-1, 1, in2]);
  const w = weight.permute(1, 0, 2).reshape([in1, out * in2]);
  const y = matmul(a, w).reshape([-1, out, in2]).mul(b).sum(-1);
  const shaped = y.reshape([...lead, out]);
  return bias ? shaped.add(bias) : shaped;
}
