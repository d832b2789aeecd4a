import { BatchNorm2d, Conv2d, Flatten, Linear, ReLU, Sequential } from '@nn/nn';
import { manualSeed, NNError, randn } from '@nn/tensor';
import { fuzz, hexPreview, loadFixtures, mutateBytes } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index';

manualSeed(9);
const torchFile = loadFixtures<{ base64: string }>(new URL('./fixtures/torch-export.jsonl', import.meta.url));
const corpus = [
  exportOnnx(new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)), [randn([1, 3])], {
    dynamicBatch: true,
  }),
  exportOnnx(new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(8, 2)), [
    randn([1, 1, 4, 4]),
  ]),
  Uint8Array.from(Buffer.from(torchFile.cases.cnn!.base64, 'base64')),
];

describe('importOnnx fuzzing', () => {
  it('every mutated file imports or throws an NNError, with parameters no larger than the file', async () => {
    const report = await fuzz({
      seed: 0x0bb,
      iterations: 3000,
      corpus,
      mutate: (file, rng) => mutateBytes(file, rng),
      run: importOnnx,
      errorClass: NNError,
      check: (model, input) => {
        const bytes = [...model.parameters(), ...model.buffers()].reduce((n, t) => n + t.numel(), 0);
        if (bytes > input.length)
          throw new Error(`imported ${bytes} values from a ${input.length}-byte file`);
      },
      describe: hexPreview,
    });
    expect(report.values).toBeGreaterThan(100);
    expect(report.errors).toBeGreaterThan(300);
  });
});
