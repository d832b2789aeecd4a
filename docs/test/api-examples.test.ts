import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pageModule } from './snippet-blocks';

/**
 * The main classes (and `fit`) each have a short `@example` in their TSDoc, shown on their API page, and it
 * runs as written: imports hoisted, the names of `docsContext` in scope, as the guides' blocks run.
 */
const MAIN: readonly [file: string, name: string][] = [
  ['tensor/src/tensor.ts', 'Tensor'],
  ['nn/src/module/module.ts', 'Module'],
  ['nn/src/module/containers.ts', 'Sequential'],
  ['nn/src/module/containers.ts', 'ModuleList'],
  ['nn/src/layers/linear.ts', 'Linear'],
  ['nn/src/layers/conv.ts', 'Conv2d'],
  ['nn/src/layers/pooling.ts', 'MaxPool2d'],
  ['nn/src/layers/normalization.ts', 'BatchNorm2d'],
  ['nn/src/layers/normalization.ts', 'LayerNorm'],
  ['nn/src/layers/dropout.ts', 'Dropout'],
  ['nn/src/layers/flatten.ts', 'Flatten'],
  ['nn/src/layers/embedding.ts', 'Embedding'],
  ['nn/src/layers/embedding-bag.ts', 'EmbeddingBag'],
  ['nn/src/functional/embedding-bag.ts', 'embeddingBag'],
  ['nn/src/layers/normalization.ts', 'InstanceNorm2d'],
  ['nn/src/functional/normalization.ts', 'instanceNorm'],
  ['nn/src/layers/padding.ts', 'ConstantPad2d'],
  ['nn/src/layers/distance.ts', 'CosineSimilarity'],
  ['nn/src/functional/distance.ts', 'cosineSimilarity'],
  ['nn/src/functional/dropout.ts', 'alphaDropout'],
  ['nn/src/module/parameter-containers.ts', 'ParameterList'],
  ['nn/src/module/parameter-containers.ts', 'ParameterDict'],
  ['nn/src/utils/weight-norm.ts', 'weightNorm'],
  ['nn/src/utils/spectral-norm.ts', 'spectralNorm'],
  ['nn/src/utils/parametrize.ts', 'registerParametrization'],
  ['nn/src/utils/prune.ts', 'l1Unstructured'],
  ['nn/src/layers/loss.ts', 'CrossEntropyLoss'],
  ['nn/src/layers/loss.ts', 'MSELoss'],
  ['optim/src/optimizer.ts', 'Optimizer'],
  ['optim/src/sgd.ts', 'SGD'],
  ['optim/src/adam.ts', 'Adam'],
  ['data/src/datasets/dataset.ts', 'Dataset'],
  ['data/src/datasets/dataset.ts', 'TensorDataset'],
  ['data/src/data-loader.ts', 'DataLoader'],
  ['data/src/datasets/mnist.ts', 'MNIST'],
  ['train/src/trainer.ts', 'Trainer'],
  ['train/src/fit.ts', 'fit'],
  ['nn/src/functional/interpolate.ts', 'interpolate'],
  ['nn/src/layers/upsample.ts', 'Upsample'],
  ['nn/src/layers/conv.ts', 'Conv3d'],
  ['nn/src/layers/pooling-1d.ts', 'MaxPool1d'],
  ['nn/src/layers/pooling-3d.ts', 'MaxPool3d'],
  ['nn/src/layers/adaptive-max-pool.ts', 'AdaptiveMaxPool2d'],
  ['nn/src/layers/max-unpool.ts', 'MaxUnpool2d'],
  ['nn/src/layers/lp-pool.ts', 'LPPool2d'],
  ['nn/src/layers/pixel-shuffle.ts', 'PixelShuffle'],
  ['nn/src/layers/fold.ts', 'Unfold'],
];

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const contextPath = fileURLToPath(new URL('./docs-context.ts', import.meta.url));

/** The code of the `@example` in the doc comment right above `export ... class|function name`. */
function exampleOf(source: string, name: string): string | undefined {
  const declaration = new RegExp(
    `\\*/\\s*\\nexport (?:abstract )?(?:class|async function|function) ${name}\\b`,
  );
  const at = source.search(declaration);
  if (at < 0) throw new Error(`no exported class or function ${name}`);
  const comment = source.slice(source.lastIndexOf('/**', at), at);
  const text = comment
    .split('\n')
    .map((line) => line.replace(/^\s*\*(?: |$)/, ''))
    .join('\n');
  const example = /@example\n([\s\S]*?)(?=\n@\w|$)/.exec(text)?.[1];
  return example?.replace(/^```ts\n/, '').replace(/\n```\s*$/, '\n');
}

const work = mkdtempSync(join(tmpdir(), 'nn-api-examples-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the main classes have an @example that runs', () => {
  for (const [file, name] of MAIN) {
    it(`${name} (${file})`, async () => {
      const code = exampleOf(readFileSync(join(packagesDir, file), 'utf8'), name);
      expect(code, `${name} has no @example`).toBeDefined();
      const path = join(work, `${name}.ts`);
      writeFileSync(path, pageModule([{ code: code!, target: 'node', reason: '' }], contextPath));
      const { run } = (await import(/* @vite-ignore */ path)) as { run: () => Promise<void> };
      await run();
    }, 60_000);
  }
});
