import '@nn/autograd';
import { avgPool2d, conv2d, maxPool2d, type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, it } from 'vitest';

type Tensors = Record<string, FixtureTensor>;
interface Cases {
  mlp: { x: FixtureTensor; labels: FixtureTensor; loss: FixtureTensor; params: Tensors; grads: Tensors };
  layerNorm: Tensors & { grads: Tensors };
  usedTwice: Tensors & { grads: Tensors };
  convPool: { x: FixtureTensor; target: FixtureTensor; loss: FixtureTensor; params: Tensors; grads: Tensors };
}

// The file's cases are heterogeneous (one shape per composite), so they are typed as a whole.
const cases = loadFixtures(new URL('./fixtures/composites.jsonl', import.meta.url)).cases as unknown as Cases;

/** A tensor from a fixture (float32 stays float32), optionally a leaf that requires grad. */
function load(f: FixtureTensor, requiresGrad = false): Tensor {
  return tensor(fixtureArray(f), { dtype: f.dtype, requiresGrad }).reshape(f.shape);
}

function leafOf(f: FixtureTensor): Tensor {
  return load(f).detach().requiresGrad_();
}

const tolerance = { rtol: 1e-5, atol: 1e-6 };

describe('gradients of composite functions match PyTorch (float32)', () => {
  it('MLP with softmax cross-entropy written from primitives', () => {
    const c = cases.mlp;
    const p = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, leafOf(v)]));
    const x = load(c.x);
    const labels = load(c.labels);
    const hidden = x.matmul(p.w1!).add(p.b1!).relu();
    const logits = hidden.matmul(p.w2!).add(p.b2!);
    const loss = logits.logSoftmax(1).gather(1, labels.unsqueeze(1)).mean().neg();
    loss.backward();
    assertClose(loss, c.loss, tolerance, 'loss');
    for (const name of Object.keys(c.grads)) assertClose(p[name]!.grad!, c.grads[name]!, tolerance, name);
  });

  it('layer norm written from primitives', () => {
    const c = cases.layerNorm;
    const [x, gamma, beta] = [leafOf(c.x!), leafOf(c.gamma!), leafOf(c.beta!)];
    const mean = x.mean(-1, { keepdim: true });
    const variance = x.var(-1, { correction: 0, keepdim: true });
    const y = x.sub(mean).div(variance.add(1e-5).sqrt()).mul(gamma).add(beta);
    const loss = y.mul(load(c.weights!)).sum();
    loss.backward();
    assertClose(loss, c.loss!, { rtol: 1e-5, atol: 1e-5 }, 'loss');
    assertClose(x.grad!, c.grads.x!, { rtol: 1e-5, atol: 1e-5 }, 'x');
    assertClose(gamma.grad!, c.grads.gamma!, tolerance, 'gamma');
    assertClose(beta.grad!, c.grads.beta!, tolerance, 'beta');
  });

  it('a function using its inputs several times', () => {
    const c = cases.usedTwice;
    const [x, m] = [leafOf(c.x!), leafOf(c.m!)];
    const loss = x
      .mul(x.sin())
      .sum()
      .add(
        x
          .exp()
          .slice(0, 1)
          .mul(x.slice(0, 0, -1))
          .sum(),
      )
      .add(m.matmul(m.t()).mul(m).sum());
    loss.backward();
    assertClose(loss, c.loss!, tolerance, 'loss');
    assertClose(x.grad!, c.grads.x!, tolerance, 'x');
    assertClose(m.grad!, c.grads.m!, tolerance, 'm');
  });

  it('conv -> relu -> max pool -> avg pool -> linear', () => {
    const c = cases.convPool;
    const p = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, leafOf(v)]));
    let h = conv2d(load(c.x), p.w!, p.b!, { padding: 1 }).relu();
    h = avgPool2d(maxPool2d(h, 2), 2);
    const loss = h.flatten(1).matmul(p.w2!).sub(load(c.target)).pow(2).mean();
    loss.backward();
    assertClose(loss, c.loss, tolerance, 'loss');
    for (const name of Object.keys(c.grads)) assertClose(p[name]!.grad!, c.grads[name]!, tolerance, name);
  });
});
