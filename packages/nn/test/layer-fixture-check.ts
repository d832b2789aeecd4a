// Replays one PyTorch layer fixture (tooling/fixtures/cases/nn_layers.py, nn_spatial.py) on an @nn layer.
import '@nn/autograd';
import type { Module } from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray } from '@nn/tooling/test-utils';
import { expect } from 'vitest';

/** One run of a layer: its output, the gradients of sum(output * gradOutput), the buffers after. */
export interface Run {
  output: FixtureTensor;
  gradOutput: FixtureTensor;
  inputGrads: (FixtureTensor | null)[];
  paramGrads: Record<string, FixtureTensor>;
  buffersAfter: Record<string, FixtureTensor>;
  /** The indices of a layer built with return_indices=True. */
  indices?: FixtureTensor;
}

/** A layer's state, inputs and its run in train and/or eval mode. */
export interface LayerCase {
  state: Record<string, FixtureTensor>;
  inputs: FixtureTensor[];
  train?: Run;
  eval?: Run;
}

const tol32 = { rtol: 1e-5, atol: 1e-5 };
const tol64 = { rtol: 1e-10, atol: 1e-12 };

export function decode(t: FixtureTensor): Tensor {
  return tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);
}

/** Loads `c.state` into `layer`, runs it in `mode` and checks everything `want` recorded. */
export function checkLayerCase(
  name: string,
  layer: Module,
  mode: 'train' | 'eval',
  c: LayerCase,
  want: Run,
): void {
  layer.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
  layer.train(mode === 'train');
  const inputs = c.inputs.map((t) => {
    const x = decode(t);
    return x.dtype === 'float32' || x.dtype === 'float64' ? x.requiresGrad_() : x;
  });
  const tol = want.output.dtype === 'float64' ? tol64 : tol32;
  const result = layer.call(...(inputs as never[])) as Tensor | [Tensor, Tensor];
  const [out, indices] = Array.isArray(result) ? result : [result, undefined];
  assertClose(out, want.output, tol, `${name} ${mode} output`);
  if (want.indices) {
    expect(indices, `${name} returns indices`).toBeDefined();
    expect(indices!.shape).toEqual(want.indices.shape);
    expect(Array.from(indices!.dataSync())).toEqual(Array.from(fixtureArray(want.indices)));
  } else {
    expect(indices, `${name} returns no indices`).toBeUndefined();
  }
  out.mul(decode(want.gradOutput)).sum().backward();
  want.inputGrads.forEach((g, i) => {
    if (g) assertClose(inputs[i]!.grad!, g, tol, `${name} ${mode} grad of input ${i}`);
  });
  const params = Object.fromEntries(layer.namedParameters());
  expect(Object.keys(params)).toEqual(Object.keys(want.paramGrads));
  for (const [k, g] of Object.entries(want.paramGrads))
    assertClose(params[k]!.grad!, g, tol, `${name} ${mode} grad of ${k}`);
  const buffers = Object.fromEntries(layer.namedBuffers());
  expect(Object.keys(buffers)).toEqual(Object.keys(want.buffersAfter));
  for (const [k, b] of Object.entries(want.buffersAfter))
    assertClose(buffers[k]!, b, tol, `${name} ${mode} ${k} after`);
}
