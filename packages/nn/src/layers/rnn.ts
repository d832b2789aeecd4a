import {
  cat,
  checkOptions,
  DTypeError,
  empty,
  isTensor,
  type OptionKeys,
  ShapeError,
  stack,
  type Tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { dropout } from '../functional/dropout';
import { uniform_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyBool, pyFloat } from '../module/repr';
import { PackedSequence } from '../rnn/packed-sequence';
import { type CellWeights, type RecurrentMode, runLayer } from '../rnn/recurrence';
import { type FactoryOptions, factoryOptions } from './linear';

/** Options shared by {@link RNN}, {@link LSTM} and {@link GRU} (torch's keyword arguments). */
export interface RecurrentOptions extends FactoryOptions {
  /** Stacked recurrent layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn the biases `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Input and output are `[B, T, *]` instead of `[T, B, *]` (default false; states stay `[L*D, B, H]`). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Run a second layer over the reversed sequence and concatenate both outputs (default false). */
  bidirectional?: boolean;
}

/** Options of {@link RNN}: {@link RecurrentOptions} plus the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of {@link LSTM}: {@link RecurrentOptions} plus the projection size. */
export interface LSTMOptions extends RecurrentOptions {
  /** Project each hidden state to this size with `weight_hr` (0, the default: no projection). */
  projSize?: number;
}

const RECURRENT_KEYS: OptionKeys<RecurrentOptions> = {
  dtype: true,
  device: true,
  numLayers: true,
  bias: true,
  batchFirst: true,
  dropout: true,
  bidirectional: true,
};
const RNN_KEYS: OptionKeys<RNNOptions> = { ...RECURRENT_KEYS, nonlinearity: true };
const LSTM_KEYS: OptionKeys<LSTMOptions> = { ...RECURRENT_KEYS, projSize: true };

const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const LAYER_NAMES: Record<RecurrentMode, string> = {
  RNN_TANH: 'RNN',
  RNN_RELU: 'RNN',
  LSTM: 'LSTM',
  GRU: 'GRU',
};

const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** A positive integer size argument, or a ValueError naming the layer. */
export function checkSize(layer: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(layer, `${name} must be an integer >= ${min}, got ${value}`);
  }
}

/**
 * The base of the recurrent layers (`torch.nn.RNNBase`): parameters named and shaped as torch's
 * (`weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, `weight_hr_l{k}`, with `_reverse`
 * for the backward direction), initialised U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 */
export abstract class RNNBase extends Module {
  readonly mode: RecurrentMode;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM projection size (0: none). */
  readonly projSize: number;

  constructor(
    mode: RecurrentMode,
    inputSize: number,
    hiddenSize: number,
    options: RecurrentOptions & { projSize?: number },
  ) {
    super();
    const layer = LAYER_NAMES[mode];
    const {
      numLayers = 1,
      bias = true,
      batchFirst = false,
      dropout: p = 0,
      bidirectional = false,
      projSize = 0,
    } = options;
    checkSize(layer, 'inputSize', inputSize);
    checkSize(layer, 'hiddenSize', hiddenSize);
    checkSize(layer, 'numLayers', numLayers);
    checkSize(layer, 'projSize', projSize, 0);
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new ValueError(
        layer,
        `dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${p}`,
      );
    }
    if (projSize >= hiddenSize) {
      throw new ValueError(layer, `projSize (${projSize}) has to be smaller than hiddenSize (${hiddenSize})`);
    }
    if (p > 0 && numLayers === 1) {
      console.warn(
        `${layer}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects ` +
          `numLayers greater than 1, but got dropout=${p} and numLayers=${numLayers}`,
      );
    }
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = numLayers;
    this.bias = bias;
    this.batchFirst = batchFirst;
    this.dropout = p;
    this.bidirectional = bidirectional;
    this.projSize = projSize;
    const f = factoryOptions(options);
    const gates = GATES[mode] * hiddenSize;
    const outSize = projSize || hiddenSize;
    for (let k = 0; k < numLayers; k++) {
      for (let d = 0; d < this.numDirections; d++) {
        const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
        const layerInput = k === 0 ? inputSize : outSize * this.numDirections;
        const param = (shape: number[]) => new Parameter(empty(shape, f));
        this.registerParameter(`weight_ih${suffix}`, param([gates, layerInput]));
        this.registerParameter(`weight_hh${suffix}`, param([gates, outSize]));
        if (bias) {
          this.registerParameter(`bias_ih${suffix}`, param([gates]));
          this.registerParameter(`bias_hh${suffix}`, param([gates]));
        }
        if (projSize > 0) this.registerParameter(`weight_hr${suffix}`, param([projSize, hiddenSize]));
      }
    }
    this.resetParameters();
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Re-draws every parameter from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as torch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /**
   * torch's `flatten_parameters()`, kept so ported code runs: it packs weights for cuDNN, and the CPU path
   * here reads the parameters where they are, so there is nothing to do.
   */
  flattenParameters(): void {}

  /** The weights of layer `k`, direction `d`. */
  private weights(k: number, d: number): CellWeights {
    const params = Object.fromEntries(this.namedParameters({ recurse: false }));
    const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: params[`weight_ih${suffix}`]!,
      wHh: params[`weight_hh${suffix}`]!,
      bIh: params[`bias_ih${suffix}`] ?? null,
      bHh: params[`bias_hh${suffix}`] ?? null,
      wHr: params[`weight_hr${suffix}`] ?? null,
    };
  }

  /**
   * Runs the stack on `input` (`[T, B, in]`, `[B, T, in]` with batchFirst, `[T, in]` unbatched, or a
   * PackedSequence) from `h0` (and, for LSTM, `c0`), each `[numLayers * numDirections, B, *]` (`[L*D, *]`
   * unbatched), zeros when omitted. Returns the last layer's outputs (the same kind as `input`) and the
   * final states of every layer and direction.
   */
  protected run(
    input: Tensor | PackedSequence,
    h0: Tensor | null | undefined,
    c0: Tensor | null | undefined,
  ): [Tensor | PackedSequence, Tensor, Tensor | null] {
    const layer = LAYER_NAMES[this.mode];
    const packed = input instanceof PackedSequence ? input : null;
    const x = packed ? packed.data : (input as Tensor);
    if (!isTensor(x)) {
      throw new ValueError(layer, `input must be a Tensor or a PackedSequence, got ${typeof input}`);
    }
    const weight = this.weights(0, 0).wIh;
    if (x.dtype !== weight.dtype) {
      const convert = weight.dtype === 'float32' ? '.float()' : `.to('${weight.dtype}')`;
      throw new DTypeError(
        layer,
        `input is ${x.dtype} but the layer's weights are ${weight.dtype}; convert the input with ${convert} ` +
          `(or the layer with .${x.dtype === 'float64' ? 'double' : 'float'}())`,
      );
    }
    if (packed ? x.ndim !== 2 : x.ndim !== 2 && x.ndim !== 3) {
      throw new ShapeError(
        layer,
        packed
          ? `PackedSequence data must be 2-D [sum of lengths, ${this.inputSize}], got ${shapeOf(x)}`
          : `Expected input to be 2-D (unbatched [T, ${this.inputSize}]) or 3-D ` +
              `(${this.batchFirst ? '[B, T, in]' : '[T, B, in]'}), got ${x.ndim}-D input of shape ${shapeOf(x)}`,
      );
    }
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        layer,
        `input.size(-1) must be equal to inputSize. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]} ` +
          `(input shape ${shapeOf(x)}); build the layer with inputSize ${x.shape[x.ndim - 1]} or fix the input`,
      );
    }
    const unbatched = !packed && x.ndim === 2;
    // Everything below runs on packed rows: a padded batch is packed with equal batch sizes.
    let data: Tensor;
    let batchSizes: number[];
    let batch: number;
    let steps = 0;
    if (packed) {
      batchSizes = packed.batchSizes.tolist() as number[];
      batch = batchSizes[0] ?? 0;
      data = x;
    } else {
      const timeMajor = unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
      [steps, batch] = timeMajor.shape as [number, number];
      if (steps === 0) {
        throw new ValueError(
          layer,
          `Expected sequence length to be larger than 0, got input of shape ${shapeOf(x)}`,
        );
      }
      batchSizes = new Array(steps).fill(batch);
      data = timeMajor.reshape([steps * batch, this.inputSize]);
    }
    const outSize = this.projSize || this.hiddenSize;
    const states = this.numLayers * this.numDirections;
    const initial = (t: Tensor | null | undefined, name: string, size: number): Tensor => {
      if (t === null || t === undefined)
        return zeros([states, batch, size], { dtype: x.dtype, device: x.device });
      const want = unbatched ? [states, size] : [states, batch, size];
      if (unbatched && t.ndim !== 2) {
        throw new ShapeError(
          layer,
          `For unbatched 2-D input, ${name} should also be 2-D [${want.join(', ')}], but got ${t.ndim}-D tensor of shape ${shapeOf(t)}`,
        );
      }
      if (t.shape.length !== want.length || t.shape.some((s, i) => s !== want[i])) {
        throw new ShapeError(
          layer,
          `Expected ${name} of shape [${want.join(', ')}] (numLayers * numDirections, ${unbatched ? '' : 'batch, '}` +
            `${name === 'c0' || outSize === this.hiddenSize ? 'hiddenSize' : 'projSize'}), got ${shapeOf(t)}`,
        );
      }
      if (t.dtype !== x.dtype) {
        throw new DTypeError(
          layer,
          `${name} is ${t.dtype} but the input is ${x.dtype}; cast it with .to('${x.dtype}')`,
        );
      }
      const batched = unbatched ? t.unsqueeze(1) : t;
      // States follow the sorted batch order of a packed batch, as torch's permute_hidden.
      return packed?.sortedIndices ? batched.indexSelect(1, packed.sortedIndices) : batched;
    };
    const hInit = initial(h0, 'h0', outSize);
    const cInit = this.mode === 'LSTM' ? initial(c0, 'c0', this.hiddenSize) : null;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    for (let k = 0; k < this.numLayers; k++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const index = k * this.numDirections + d;
        const { output, state } = runLayer(
          this.mode,
          data,
          batchSizes,
          this.weights(k, d),
          { h: hInit.select(0, index), c: cInit ? cInit.select(0, index) : null },
          d === 1,
        );
        outputs.push(output);
        finalH.push(state.h);
        if (state.c) finalC.push(state.c);
      }
      data = outputs.length === 1 ? outputs[0]! : cat(outputs, 1);
      if (this.dropout > 0 && this.training && k < this.numLayers - 1)
        data = dropout(data, this.dropout, true);
    }
    let hN = stack(finalH, 0);
    let cN = finalC.length > 0 ? stack(finalC, 0) : null;
    if (packed?.unsortedIndices) {
      const unsorted = packed.unsortedIndices;
      hN = hN.indexSelect(1, unsorted);
      cN = cN ? cN.indexSelect(1, unsorted) : null;
    }
    if (packed) return [packed.withData(data), hN, cN];
    const timeMajor = data.reshape([steps, batch, data.shape[1]!]);
    if (unbatched) return [timeMajor.squeeze(1), hN.squeeze(1), cN ? cN.squeeze(1) : null];
    return [this.batchFirst ? timeMajor.transpose(0, 1) : timeMajor, hN, cN];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(true)}`;
    return s;
  }
}

/** Output of {@link RNN} and {@link GRU}: the output sequence (a PackedSequence for a packed input) and `hN`. */
export type RecurrentOutput<I extends Tensor | PackedSequence> = [I, Tensor];

/**
 * Elman RNN (`torch.nn.RNN`): `h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)` (or relu), stacked
 * `numLayers` deep, optionally bidirectional. `call(input, h0?)` returns `[output, hN]`: `output` is
 * `[T, B, D * hiddenSize]` (`[B, T, ...]` with batchFirst, a PackedSequence for a packed input) and `hN`
 * `[numLayers * D, B, hiddenSize]`.
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' });
 * const [output, hN] = rnn.call(randn([5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    checkOptions('RNN', options, RNN_KEYS);
    const { nonlinearity = 'tanh', ...rest } = options;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError('RNN', `Unknown nonlinearity '${nonlinearity}'. Select from 'tanh' or 'relu'.`);
    }
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, rest);
    this.nonlinearity = nonlinearity;
  }

  // Tensor last: Module.call's types follow the last overload, the common case.
  override forward(input: PackedSequence, h0?: Tensor | null): RecurrentOutput<PackedSequence>;
  override forward(input: Tensor, h0?: Tensor | null): RecurrentOutput<Tensor>;
  override forward(
    input: Tensor | PackedSequence,
    h0?: Tensor | null,
  ): RecurrentOutput<Tensor | PackedSequence> {
    const [output, hN] = this.run(input, h0, null);
    return [output, hN];
  }
}

/**
 * Gated recurrent unit (`torch.nn.GRU`), gates r, z, n as torch. `call(input, h0?)` returns
 * `[output, hN]` with the shapes of {@link RNN}.
 *
 * @example
 * ```ts
 * const gru = new GRU(8, 16, { batchFirst: true, bidirectional: true });
 * const [output, hN] = gru.call(randn([4, 7, 8])); // [4, 7, 32], [2, 4, 16]
 * ```
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    checkOptions('GRU', options, RECURRENT_KEYS);
    super('GRU', inputSize, hiddenSize, options);
  }

  // Tensor last: Module.call's types follow the last overload, the common case.
  override forward(input: PackedSequence, h0?: Tensor | null): RecurrentOutput<PackedSequence>;
  override forward(input: Tensor, h0?: Tensor | null): RecurrentOutput<Tensor>;
  override forward(
    input: Tensor | PackedSequence,
    h0?: Tensor | null,
  ): RecurrentOutput<Tensor | PackedSequence> {
    const [output, hN] = this.run(input, h0, null);
    return [output, hN];
  }
}

/** Output of {@link LSTM}: the output sequence and the final `[hN, cN]`. */
export type LSTMOutput<I extends Tensor | PackedSequence> = [I, [Tensor, Tensor]];

/**
 * Long short-term memory (`torch.nn.LSTM`), gates i, f, g, o as torch, with an optional projection of the
 * hidden state (`projSize`). `call(input, [h0, c0]?)` returns `[output, [hN, cN]]`: `output` is
 * `[T, B, D * Hout]` (Hout = projSize or hiddenSize), `hN` `[numLayers * D, B, Hout]`, `cN`
 * `[numLayers * D, B, hiddenSize]`.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(10, 20, { numLayers: 2 });
 * const x = randn([5, 3, 10]); // [T, B, inputSize]
 * const [output, [hN, cN]] = lstm.call(x); // [5, 3, 20], [2, 3, 20], [2, 3, 20]
 * const [next] = lstm.call(randn([1, 3, 10]), [hN, cN]); // carry the state on
 * ```
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    checkOptions('LSTM', options, LSTM_KEYS);
    super('LSTM', inputSize, hiddenSize, options);
  }

  // Tensor last: Module.call's types follow the last overload, the common case.
  override forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): LSTMOutput<PackedSequence>;
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): LSTMOutput<Tensor>;
  override forward(
    input: Tensor | PackedSequence,
    hx?: [Tensor, Tensor] | null,
  ): LSTMOutput<Tensor | PackedSequence> {
    if (hx !== null && hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ValueError('LSTM', 'hx must be a pair [h0, c0] of tensors (or omitted for zeros)');
    }
    const [output, hN, cN] = this.run(input, hx?.[0], hx?.[1]);
    return [output, [hN, cN!]];
  }
}
