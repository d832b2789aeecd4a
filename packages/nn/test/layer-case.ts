// The layer fixture layout shared by the layer suites (tooling/fixtures/cases/nn_layers*.py, nn_spatial.py): a PyTorch
// layer's state, its inputs and, per mode, the output, gradients and buffers after the call.
import '@nn/autograd';
import type { Module } from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray } from '@nn/tooling/test-utils';
import { expect } from 'vitest';

/** One run of a layer case in train or eval mode. */
export interface Run {
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  inputGrads: (FixtureTensor | null)[];
  paramGrads: Record<string, FixtureTensor>;
  buffersAfter: Record<string, FixtureTensor>;
  /** Parameters the call changed in place (Embedding's maxNorm renormalisation); absent when none did. */
  paramsAfter?: Record<string, FixtureTensor>;
  /** The indices of a layer built with return_indices=True (its call returns [output, indices]). */
  indices?: FixtureTensor;
}

/** A layer case: the state dict to load, the inputs, and the runs. */
export interface LayerCase {
  state: Record<string, FixtureTensor>;
  /** The call's arguments; null for an optional one left out (offsets before perSampleWeights). */
  inputs: (FixtureTensor | null)[];
  train?: Run;
  eval?: Run;
}

const tol32 = { rtol: 1e-5, atol: 1e-5 };
const tol64 = { rtol: 1e-10, atol: 1e-12 };

/** A fixture tensor as a Tensor of its dtype. */
export function decode(t: FixtureTensor): Tensor {
  return tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);
}

/**
 * Loads the case's state into `layer`, runs it in `mode` and checks the state-dict keys, the output, the
 * gradients of sum(output * gradOutput) for the float inputs and every parameter, and the buffers after.
 */
export function checkLayerCase(
  layer: Module,
  label: string,
  mode: 'train' | 'eval',
  c: LayerCase,
  want: Run,
): void {
  layer.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
  expect(Object.keys(layer.stateDict())).toEqual(Object.keys(c.state));
  layer.train(mode === 'train');
  const inputs = c.inputs.map((t) => {
    if (t === null) return null;
    const x = decode(t);
    return x.dtype === 'float32' || x.dtype === 'float64' ? x.requiresGrad_() : x;
  });
  const tol = want.output.dtype === 'float64' ? tol64 : tol32;
  const result = layer.call(...(inputs as never[])) as Tensor | [Tensor, Tensor];
  const [out, indices] = Array.isArray(result) ? result : [result, undefined];
  expect(out.dtype).toBe(want.output.dtype);
  assertClose(out, want.output, tol, `${label} ${mode} output`);
  if (want.indices) {
    expect(indices, `${label} returns indices`).toBeDefined();
    expect(indices!.shape).toEqual(want.indices.shape);
    expect(Array.from(indices!.dataSync())).toEqual(Array.from(fixtureArray(want.indices)));
  } else {
    expect(indices, `${label} returns no indices`).toBeUndefined();
  }
  out.mul(decode(want.gradOutput)).sum().backward();
  want.inputGrads.forEach((g, i) => {
    if (g) assertClose(inputs[i]!.grad!, g, tol, `${label} ${mode} grad of input ${i}`);
  });
  const params = Object.fromEntries(layer.namedParameters());
  for (const [k, p] of Object.entries(want.paramsAfter ?? {}))
    assertClose(params[k]!, p, tol, `${label} ${mode} ${k} after (changed in place)`);
  expect(Object.keys(params)).toEqual(Object.keys(want.paramGrads));
  for (const [k, g] of Object.entries(want.paramGrads))
    assertClose(params[k]!.grad!, g, tol, `${label} ${mode} grad of ${k}`);
  const buffers = Object.fromEntries(layer.namedBuffers());
  expect(Object.keys(buffers)).toEqual(Object.keys(want.buffersAfter));
  for (const [k, b] of Object.entries(want.buffersAfter))
    assertClose(buffers[k]!, b, tol, `${label} ${mode} ${k} after`);
}
