// Recurrent layers against PyTorch 1.13 (tooling/fixtures/cases/nn_rnn.py): outputs, final states and the
// gradients of the input, the initial states and every parameter, f32 and f64.
import '@nn/autograd';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  load,
  type Module,
  PackedSequence,
  packPaddedSequence,
  padPackedSequence,
  RNN,
  RNNCell,
} from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface RecurrentCase {
  kind: 'RNN' | 'LSTM' | 'GRU' | 'RNNCell' | 'LSTMCell' | 'GRUCell';
  args: [number, number];
  dtype: 'float32' | 'float64';
  train?: boolean;
  options: Record<string, unknown>;
  state: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor>;
  lengths?: number[];
  enforceSorted?: boolean;
  batchSizes?: FixtureTensor;
  packedOutput?: FixtureTensor;
  output?: FixtureTensor;
  hN: FixtureTensor;
  cN?: FixtureTensor;
  gradOutput?: FixtureTensor;
  gradHN: FixtureTensor;
  gradCN?: FixtureTensor;
  inputGrads: Record<string, FixtureTensor>;
  paramGrads: Record<string, FixtureTensor>;
}

const decode = (t: FixtureTensor): Tensor => tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);

/** Calls a module whose forward signature the test only knows at run time. */
const callModule = (m: Module, ...args: unknown[]): unknown =>
  (m.call as (...a: unknown[]) => unknown)(...args);

/** The @nn module of a fixture case, built from the same arguments (option names are already @nn's). */
function build(
  kind: RecurrentCase['kind'],
  [inputSize, hiddenSize]: [number, number],
  options: object,
): Module {
  const classes = { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell };
  return new classes[kind](inputSize, hiddenSize, options as never);
}

const { cases } = loadFixtures<RecurrentCase>(new URL('./fixtures/rnn.jsonl', import.meta.url));

function check(name: string, c: RecurrentCase): void {
  const tol = c.dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
  const layer = build(c.kind, c.args, { ...c.options, dtype: c.dtype });
  layer.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
  layer.train(c.train ?? false);
  expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, decode(v).requiresGrad_()]));
  const cell = c.kind.endsWith('Cell');
  const x = inputs.input!;
  const states = c.kind.startsWith('LSTM')
    ? (inputs.h0 ?? inputs.hx) && [inputs.h0 ?? inputs.hx, inputs.c0 ?? inputs.cx]
    : (inputs.h0 ?? inputs.hx);
  let output: Tensor | undefined;
  let hN: Tensor;
  let cN: Tensor | undefined;
  if (cell) {
    const result = callModule(layer, x, states) as Tensor | [Tensor, Tensor];
    [hN, cN] = Array.isArray(result) ? result : [result, undefined];
  } else {
    const batchFirst = c.options.batchFirst === true;
    const packed = c.lengths
      ? packPaddedSequence(x, c.lengths, { batchFirst, enforceSorted: c.enforceSorted! })
      : null;
    const [out, hidden] = callModule(layer, packed ?? x, states) as [
      Tensor | PackedSequence,
      Tensor | [Tensor, Tensor],
    ];
    [hN, cN] = Array.isArray(hidden) ? hidden : [hidden, undefined];
    if (out instanceof PackedSequence) {
      assertClose(out.batchSizes, c.batchSizes!, {}, `${name} batchSizes`);
      assertClose(out.data, c.packedOutput!, tol, `${name} packed output`);
      [output] = padPackedSequence(out, { batchFirst });
    } else {
      output = out;
    }
    assertClose(output!, c.output!, tol, `${name} output`);
  }
  assertClose(hN, c.hN, tol, `${name} hN`);
  if (c.cN) assertClose(cN!, c.cN, tol, `${name} cN`);
  let loss = hN.mul(decode(c.gradHN)).sum();
  if (output) loss = loss.add(output.mul(decode(c.gradOutput!)).sum());
  if (c.gradCN) loss = loss.add(cN!.mul(decode(c.gradCN)).sum());
  loss.backward();
  for (const [k, g] of Object.entries(c.inputGrads))
    assertClose(inputs[k]!.grad!, g, tol, `${name} grad of ${k}`);
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params)).toEqual(Object.keys(c.paramGrads));
  for (const [k, g] of Object.entries(c.paramGrads))
    assertClose(params[k]!.grad!, g, tol, `${name} grad of ${k}`);
}

describe('recurrent layers and cells match PyTorch (outputs, states, input/state/parameter gradients)', () => {
  for (const [name, c] of Object.entries(cases)) it(name, () => check(name, c));
});

interface CheckpointCase {
  kind: RecurrentCase['kind'];
  args: [number, number];
  options: Record<string, unknown>;
  base64: string;
  keys: string[];
  input: FixtureTensor;
  output: FixtureTensor;
  hN: FixtureTensor;
}

describe('torch-written safetensors checkpoints load and reproduce torch', () => {
  const file = loadFixtures<CheckpointCase>(new URL('./fixtures/rnn-checkpoints.jsonl', import.meta.url));
  for (const [name, c] of Object.entries(file.cases)) {
    it(name, () => {
      const layer = build(c.kind, c.args, c.options).eval();
      const stateDict = load(new Uint8Array(Buffer.from(c.base64, 'base64')));
      expect(Object.keys(layer.stateDict()).sort()).toEqual([...c.keys].sort());
      const { missingKeys, unexpectedKeys } = layer.loadStateDict(stateDict);
      expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
      const result = callModule(layer, decode(c.input)) as Tensor | [Tensor, Tensor | [Tensor, Tensor]];
      if (c.kind.endsWith('Cell')) {
        const h = Array.isArray(result) ? result[0] : result;
        assertClose(h as Tensor, c.hN, { rtol: 1e-5, atol: 1e-6 }, `${name} h`);
        return;
      }
      const [out, hidden] = result as [Tensor, Tensor | [Tensor, Tensor]];
      assertClose(out, c.output, { rtol: 1e-5, atol: 1e-6 }, `${name} output`);
      assertClose(Array.isArray(hidden) ? hidden[0] : hidden, c.hN, { rtol: 1e-5, atol: 1e-6 }, `${name} hN`);
    });
  }
});
