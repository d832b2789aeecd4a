import { F } from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { expect, it } from 'vitest';
import { importOnnx } from '../src/index';

interface TorchExport {
  base64: string;
  input: FixtureTensor;
  output: FixtureTensor;
}

const { cases } = loadFixtures<TorchExport>(new URL('./fixtures/torch-export.jsonl', import.meta.url));
const fromFixture = (t: FixtureTensor): Tensor =>
  tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);

it("imports a CNN written by torch 1.13's torch.onnx.export and matches torch's outputs at another batch size", () => {
  const c = cases.cnn!;
  const model = importOnnx(Uint8Array.from(Buffer.from(c.base64, 'base64')));
  expect(model.inputNames).toEqual(['input']);
  // torch names parameters by their state_dict keys; the Conv folded with BatchNorm gets generated names.
  expect(Object.keys(model.stateDict())).toEqual(
    expect.arrayContaining(['fc1.weight', 'fc1.bias', 'norm.weight', 'norm.bias', 'fc2.weight', 'fc2.bias']),
  );
  const x = fromFixture(c.input);
  assertClose(model.call(x) as Tensor, c.output, { atol: 1e-5, rtol: 1e-5 });

  // ... and trains: the loss has gradients for every parameter.
  const loss = F.nllLoss(model.call(x) as Tensor, tensor([0, 1, 2, 0, 1], { dtype: 'int32' }));
  loss.backward();
  for (const [name, p] of model.namedParameters())
    expect(p.grad?.abs().sum().item(), name).toBeGreaterThan(0);
});
