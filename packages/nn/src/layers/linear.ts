import { checkOptions, DTypeError, empty, type Tensor, type TensorOptions } from '@nn/tensor';
import { bilinear, linear } from '../functional/linear';
import { kaimingUniform_, uniform_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyBool } from '../module/repr';
import { LAYER_KEYS } from '../utils/option-keys';

/** Where a layer creates its parameters and buffers: PyTorch's `dtype` and `device` keyword arguments. */
export interface FactoryOptions {
  /** dtype of the parameters and floating buffers (default float32). */
  dtype?: TensorOptions['dtype'];
  /** Device of the parameters and buffers (default `'cpu'`). */
  device?: string;
}

/** Options of layers with an optional bias: PyTorch's `bias`, `dtype`, `device`. */
export interface LayerOptions extends FactoryOptions {
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
}

/** Tensor options for a layer's weights from its `dtype`/`device` options. */
export function factoryOptions(options: FactoryOptions): TensorOptions {
  return {
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    ...(options.device === undefined ? {} : { device: options.device }),
  };
}

/** PyTorch's default init of Linear and Conv layers: He uniform with a = sqrt(5), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null, fanIn: number): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

/**
 * `y = x W^T + b` over the last dim (`torch.nn.Linear`): input `[..., inFeatures]`, output
 * `[..., outFeatures]`; `weight` is `[outFeatures, inFeatures]`.
 *
 * @example
 * ```ts
 * import { Linear } from '@nn/nn';
 * import { randn } from '@nn/tensor';
 *
 * const fc = new Linear(20, 30);
 * console.log(fc.call(randn([128, 20])).shape); // [ 128, 30 ]
 * ```
 */
export class Linear extends Module {
  /** Size of each input's last dim. */
  readonly inFeatures: number;
  /** Size of each output's last dim. */
  readonly outFeatures: number;
  /** `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null with `bias: false`. */
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options: LayerOptions = {}) {
    checkOptions('Linear', options, LAYER_KEYS);
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const f = factoryOptions(options);
    this.weight = new Parameter(empty([outFeatures, inFeatures], f));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outFeatures], f)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default init. */
  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias, this.inFeatures);
  }

  /** `x W^T + b` for `[..., inFeatures]` input. */
  override forward(x: Tensor): Tensor {
    if (x.dtype !== this.weight.dtype) {
      const convert = this.weight.dtype === 'float32' ? '.float()' : `.to('${this.weight.dtype}')`;
      throw new DTypeError(
        'Linear',
        `input is ${x.dtype} but the layer's weight is ${this.weight.dtype}; convert the input with ${convert}`,
      );
    }
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/**
 * `y_k = x1^T W_k x2 + b_k` (`torch.nn.Bilinear`): inputs `[..., in1Features]` and `[..., in2Features]`,
 * output `[..., outFeatures]`; `weight` is `[outFeatures, in1Features, in2Features]`.
 */
export class Bilinear extends Module {
  /** Size of the first input's last dim. */
  readonly in1Features: number;
  /** Size of the second input's last dim. */
  readonly in2Features: number;
  /** Size of the output's last dim. */
  readonly outFeatures: number;
  /** `[outFeatures, in1Features, in2Features]`. */
  weight: Parameter;
  /** `[outFeatures]`, or null with `bias: false`. */
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: LayerOptions = {}) {
    checkOptions('Bilinear', options, LAYER_KEYS);
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    const f = factoryOptions(options);
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], f));
    this.bias = (options.bias ?? true) ? new Parameter(empty([outFeatures], f)) : null;
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default init: U(-1/sqrt(in1Features), 1/sqrt(in1Features)). */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  /** `x1^T W_k x2 + b_k` for each output feature k. */
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return (
      `in1_features=${this.in1Features}, in2_features=${this.in2Features}, ` +
      `out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`
    );
  }
}

/** Returns its input unchanged (`torch.nn.Identity`); a placeholder when swapping layers out. */
export class Identity extends Module {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
