import { Tensor } from '@nn/tensor';

/**
 * A tensor that a {@link Module} owns as a learnable weight, as `torch.nn.Parameter`: it shares `data`'s
 * storage and requires grad unless told otherwise. A `Parameter` in a module field is found by
 * `parameters()` and saved by `stateDict()`; a plain `Tensor` field is not (use `registerBuffer` for
 * state that is saved but not learned).
 *
 * It is a class, not just `requiresGrad = true`, because frozen weights (`requiresGrad_(false)`) must stay
 * parameters: they are still saved, loaded and moved by `to()`.
 *
 * @example
 * ```ts
 * class Scale extends Module {
 *   gain = new Parameter(ones([4]));
 *   forward(x: Tensor) { return x.mul(this.gain); }
 * }
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    this.requiresGrad = requiresGrad;
  }
}
