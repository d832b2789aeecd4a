import {
  F,
  Module,
  MultiheadAttention,
  Transformer,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
} from '@nn/nn';
import { arange, manualSeed, randn, type Tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index';
import { maxAbsDiff, runOrt } from './ort';

/** Self-attention returning the output and the head-averaged weights (the explicit-ops path). */
class SelfAttention extends Module {
  readonly mha = new MultiheadAttention(8, 2, { batchFirst: true });
  override forward(x: Tensor): Tensor[] {
    return this.mha.call(x, x, x) as Tensor[];
  }
}

/** An encoder layer (fused attention) with a causal float mask and a key padding mask input. */
class Encoder extends Module {
  readonly layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
  override forward(x: Tensor, padding: Tensor): Tensor {
    const srcMask = Transformer.generateSquareSubsequentMask(x.shape[1]!);
    return this.layer.call(x, { srcMask, srcKeyPaddingMask: padding });
  }
}

/** A pre-norm decoder layer: causal self-attention and cross-attention, both fused. */
class Decoder extends Module {
  readonly layer = new TransformerDecoderLayer(8, 2, {
    dimFeedforward: 16,
    batchFirst: true,
    normFirst: true,
  });
  override forward(tgt: Tensor, memory: Tensor): Tensor {
    return this.layer.call(tgt, memory, {
      tgtIsCausal: true,
      tgtMask: Transformer.generateSquareSubsequentMask(tgt.shape[1]!),
    });
  }
}

/** The functional attention with isCausal and a custom scale, on [N, heads, L, E]. */
class Causal extends Module {
  override forward(q: Tensor, k: Tensor): Tensor {
    return F.scaledDotProductAttention(q, k, k, { isCausal: true, scale: 0.3 });
  }
}

/** Keys 4.. of every sequence are padding (true: ignored). */
const padding = (n: number) => arange(6).ge(4).unsqueeze(0).expand([n, 6]).contiguous();

const cases: { name: string; model: () => Module; inputs: (n: number) => Tensor[] }[] = [
  {
    name: 'MultiheadAttention (with its weights)',
    model: () => new SelfAttention(),
    inputs: (n) => [randn([n, 6, 8])],
  },
  {
    name: 'TransformerEncoderLayer (float mask, key padding mask)',
    model: () => new Encoder(),
    inputs: (n) => [randn([n, 6, 8]), padding(n)],
  },
  {
    name: 'TransformerDecoderLayer (causal, pre-norm)',
    model: () => new Decoder(),
    inputs: (n) => [randn([n, 5, 8]), randn([n, 6, 8])],
  },
  {
    name: 'scaledDotProductAttention (isCausal, scale)',
    model: () => new Causal(),
    inputs: (n) => [randn([n, 2, 5, 4]), randn([n, 2, 7, 4])],
  },
];

describe('exportOnnx: attention and Transformer layers run in onnxruntime-node (and back through importOnnx)', () => {
  beforeAll(() => manualSeed(0));

  for (const c of cases) {
    it(c.name, async () => {
      const model = c.model();
      model.eval();
      const names = c.inputs(1).map((_, i) => `input_${i}`);
      const bytes = exportOnnx(model, c.inputs(2), { dynamicBatch: true, inputNames: names });
      for (const batch of [2, 3]) {
        const xs = c.inputs(batch);
        const got = await runOrt(bytes, Object.fromEntries(names.map((n, i) => [n, xs[i]!])));
        const out = (model.call as (...a: Tensor[]) => Tensor | Tensor[])(...xs);
        const want = Array.isArray(out) ? out : [out];
        expect(got).toHaveLength(want.length);
        for (const [i, w] of want.entries()) expect(maxAbsDiff(got[i]!, w)).toBeLessThanOrEqual(1e-5);
        // importOnnx runs the same graph back in @nn.
        const back = importOnnx(bytes).call(...xs) as Tensor | Tensor[];
        for (const [i, w] of want.entries()) {
          assertClose(Array.isArray(back) ? back[i]! : back, w, { atol: 1e-5 }, `imported output ${i}`);
        }
      }
    });
  }
});
