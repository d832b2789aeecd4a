import {
  checkOptions,
  DTypeError,
  empty,
  type OptionKeys,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@nn/tensor';
import { linear } from '../functional/linear';
import { uniform_ } from '../init';
import { Module } from '../module/module';
import { Parameter } from '../module/parameter';
import { pyBool } from '../module/repr';
import { cellStep, type RecurrentMode, type RecurrentState } from '../rnn/recurrence';
import { factoryOptions, type LayerOptions } from './linear';
import { checkSize } from './rnn';

/** Options of {@link RNNCell}. */
export interface RNNCellOptions extends LayerOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

const CELL_KEYS: OptionKeys<LayerOptions> = { dtype: true, device: true, bias: true };
const RNN_CELL_KEYS: OptionKeys<RNNCellOptions> = { ...CELL_KEYS, nonlinearity: true };

const GATES: Record<RecurrentMode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };
const shapeOf = (t: Tensor) => `[${t.shape.join(', ')}]`;

/**
 * The base of the single-step cells (`torch.nn.RNNCellBase`): `weight_ih` `[G * hiddenSize, inputSize]`,
 * `weight_hh` `[G * hiddenSize, hiddenSize]`, `bias_ih`, `bias_hh` `[G * hiddenSize]`, initialised
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 */
export abstract class RNNCellBase extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  readonly #mode: RecurrentMode;
  readonly #name: string;

  constructor(
    name: string,
    mode: RecurrentMode,
    inputSize: number,
    hiddenSize: number,
    options: LayerOptions,
  ) {
    super();
    checkSize(name, 'inputSize', inputSize);
    checkSize(name, 'hiddenSize', hiddenSize);
    this.#name = name;
    this.#mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = options.bias ?? true;
    const f = factoryOptions(options);
    const gates = GATES[mode] * hiddenSize;
    this.weight_ih = new Parameter(empty([gates, inputSize], f));
    this.weight_hh = new Parameter(empty([gates, hiddenSize], f));
    this.bias_ih = this.bias ? new Parameter(empty([gates], f)) : null;
    this.bias_hh = this.bias ? new Parameter(empty([gates], f)) : null;
    this.resetParameters();
  }

  /** Re-draws every parameter from U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), as torch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /** Checks the input and states, runs one step, and returns the new state (unbatched as given). */
  protected step(
    input: Tensor,
    hx: Tensor | null | undefined,
    cx: Tensor | null | undefined,
  ): RecurrentState {
    const name = this.#name;
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new ShapeError(
        name,
        `Expected input to be 1-D ([inputSize]) or 2-D ([batch, inputSize]), got ${input.ndim}-D input of shape ${shapeOf(input)}`,
      );
    }
    if (input.dtype !== this.weight_ih.dtype) {
      throw new DTypeError(
        name,
        `input is ${input.dtype} but the cell's weights are ${this.weight_ih.dtype}; convert the input with .to('${this.weight_ih.dtype}')`,
      );
    }
    const unbatched = input.ndim === 1;
    const x = unbatched ? input.unsqueeze(0) : input;
    if (x.shape[1] !== this.inputSize) {
      throw new ShapeError(
        name,
        `input has inconsistent inputSize: got ${x.shape[1]}, expected ${this.inputSize} (input shape ${shapeOf(input)})`,
      );
    }
    const batch = x.shape[0]!;
    const state = (t: Tensor | null | undefined, label: string): Tensor => {
      if (t === null || t === undefined) {
        return zeros([batch, this.hiddenSize], { dtype: x.dtype, device: x.device });
      }
      const want = unbatched ? [this.hiddenSize] : [batch, this.hiddenSize];
      if (t.ndim !== want.length || t.shape.some((s, i) => s !== want[i])) {
        throw new ShapeError(
          name,
          `Expected ${label} of shape [${want.join(', ')}] (${unbatched ? '' : 'batch, '}hiddenSize) for input ` +
            `${shapeOf(input)}, got ${shapeOf(t)}`,
        );
      }
      if (t.dtype !== x.dtype) {
        throw new DTypeError(
          name,
          `${label} is ${t.dtype} but the input is ${x.dtype}; cast it with .to('${x.dtype}')`,
        );
      }
      return unbatched ? t.unsqueeze(0) : t;
    };
    const h = state(hx, 'hx');
    const c = this.#mode === 'LSTM' ? state(cx, 'cx') : null;
    const gates = linear(x, this.weight_ih, this.bias_ih);
    const next = cellStep(this.#mode, gates, { h, c }, this.weight_hh.t(), this.bias_hh, null);
    return unbatched ? { h: next.h.squeeze(0), c: next.c ? next.c.squeeze(0) : null } : next;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}`;
  }
}

/**
 * One Elman RNN step (`torch.nn.RNNCell`): `h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)` (or relu).
 * `call(input, hx?)` takes `[B, inputSize]` (or `[inputSize]`) and `[B, hiddenSize]` and returns `h'`.
 *
 * @example
 * ```ts
 * const cell = new RNNCell(10, 20);
 * let h = zeros([3, 20]);
 * for (const x of randn([6, 3, 10]).unbind(0)) h = cell.call(x, h);
 * ```
 */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    checkOptions('RNNCell', options, RNN_CELL_KEYS);
    const { nonlinearity = 'tanh', ...rest } = options;
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError('RNNCell', `Unknown nonlinearity: ${nonlinearity}; use 'tanh' or 'relu'`);
    }
    super('RNNCell', nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, rest);
    this.nonlinearity = nonlinearity;
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx, null).h;
  }

  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`);
  }
}

/**
 * One LSTM step (`torch.nn.LSTMCell`), gates i, f, g, o fused in one kernel. `call(input, [hx, cx]?)`
 * returns `[h', c']`, each `[B, hiddenSize]` (or `[hiddenSize]` for an unbatched input).
 *
 * @example
 * ```ts
 * const cell = new LSTMCell(10, 20);
 * let state: [Tensor, Tensor] = [zeros([3, 20]), zeros([3, 20])];
 * for (const x of randn([6, 3, 10]).unbind(0)) state = cell.call(x, state);
 * ```
 */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: LayerOptions = {}) {
    checkOptions('LSTMCell', options, CELL_KEYS);
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx !== null && hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ValueError('LSTMCell', 'hx must be a pair [hx, cx] of tensors (or omitted for zeros)');
    }
    const { h, c } = this.step(input, hx?.[0], hx?.[1]);
    return [h, c!];
  }
}

/**
 * One GRU step (`torch.nn.GRUCell`), gates r, z, n fused in one kernel. `call(input, hx?)` returns `h'`.
 *
 * @example
 * ```ts
 * const cell = new GRUCell(10, 20);
 * let h = zeros([3, 20]);
 * for (const x of randn([6, 3, 10]).unbind(0)) h = cell.call(x, h);
 * ```
 */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: LayerOptions = {}) {
    checkOptions('GRUCell', options, CELL_KEYS);
    super('GRUCell', 'GRU', inputSize, hiddenSize, options);
  }

  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.step(input, hx, null).h;
  }
}
