import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadStateDictError, load, SafetensorsError, save } from '@nn/nn';
import { loadFile, saveFile } from '@nn/nn/node';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SmallCnn } from './small-cnn';

interface WeightsCases {
  pytorchFile: { base64: string; keys: string[]; input: FixtureTensor; output: FixtureTensor };
  tsWritten: { sha256: string; keys: string[]; input: FixtureTensor; output: FixtureTensor };
}

const { cases } = loadFixtures(new URL('./fixtures/weights.jsonl', import.meta.url)) as unknown as {
  cases: WeightsCases;
};
const tsWrittenBytes = new Uint8Array(
  readFileSync(new URL('./fixtures/nn-written.safetensors', import.meta.url)),
);

function decode(t: FixtureTensor): Tensor {
  return tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);
}

function evalOutput(bytes: Uint8Array, input: FixtureTensor): Tensor {
  const model = new SmallCnn();
  expect(model.loadStateDict(load(bytes))).toEqual({ missingKeys: [], unexpectedKeys: [] });
  return model.eval().call(decode(input));
}

describe('weights written by PyTorch', () => {
  const bytes = Uint8Array.from(Buffer.from(cases.pytorchFile.base64, 'base64'));

  it('have the state-dict keys of the equivalent @nn model, in order', () => {
    expect(Object.keys(new SmallCnn().stateDict())).toEqual(cases.pytorchFile.keys);
  });

  it("load into the equivalent @nn model and give PyTorch's outputs", () => {
    assertClose(evalOutput(bytes, cases.pytorchFile.input), cases.pytorchFile.output, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  it('bring int64 num_batches_tracked in as int64, which loadStateDict casts to the buffer', () => {
    const sd = load(bytes);
    expect(sd['features.1.num_batches_tracked']!.dtype).toBe('int64');
    expect(sd['features.1.num_batches_tracked']!.item()).toBe(2);
    const model = new SmallCnn();
    model.loadStateDict(sd);
    expect(model.stateDict()['features.1.num_batches_tracked']!.item()).toBe(2);
  });
});

describe('weights written by @nn', () => {
  it('are the file the fixture generator read with PyTorch', () => {
    expect(createHash('sha256').update(tsWrittenBytes).digest('hex')).toBe(cases.tsWritten.sha256);
  });

  it('give in PyTorch what they give here', () => {
    assertClose(evalOutput(tsWrittenBytes, cases.tsWritten.input), cases.tsWritten.output, {
      rtol: 1e-5,
      atol: 1e-6,
    });
  });

  it('are re-encoded to the same bytes (save is canonical)', () => {
    const again = save(load(tsWrittenBytes), { metadata: { format: 'pt', writer: '@nn/nn save()' } });
    expect(again).toEqual(tsWrittenBytes);
  });

  it('round-trip every dtype exactly', () => {
    const sd = {
      f32: tensor([1.5, -2, 3e-8], { dtype: 'float32' }),
      f64: tensor([[Math.PI, -1e300]], { dtype: 'float64' }),
      i32: tensor([0, -(2 ** 31), 2 ** 31 - 1]),
      b: tensor([true, false]),
      scalar: tensor(7, { dtype: 'float32' }),
      strided: tensor([
        [1, 2],
        [3, 4],
      ]).t(),
    };
    const back = load(save(sd));
    expect(Object.keys(back).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) {
      expect(back[k]!.dtype).toBe(t.dtype);
      expect(back[k]!.shape).toEqual(t.shape);
      expect(back[k]!.tolist()).toEqual(t.tolist());
    }
  });
});

describe('bad files and mismatched weights', () => {
  it('are rejected with a clear error', () => {
    expect(() => load(new Uint8Array(4))).toThrow(SafetensorsError);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
    expect(() => load(huge)).toThrow(/exceeds the 100000000-byte limit/);
    const lying = save({ w: tensor([1, 2], { dtype: 'float32' }) }).slice(0, -4);
    expect(() => load(lying)).toThrow(SafetensorsError);
  });

  it('load int64 values beyond int32 exactly', async () => {
    const codec = loadFixtures<{ base64: string }>(new URL('./fixtures/safetensors.jsonl', import.meta.url));
    const bytes = Uint8Array.from(Buffer.from(codec.cases.pytorch_file!.base64, 'base64'));
    expect(await load(bytes).steps!.dataBigInt()).toEqual(BigInt64Array.of(0n, -1n, 2n ** 40n, -(2n ** 52n)));
  });

  it('with the wrong shapes name the key and both shapes', () => {
    const sd = load(tsWrittenBytes);
    sd['classifier.3.weight'] = tensor([[1, 2]], { dtype: 'float32' });
    expect(() => new SmallCnn().loadStateDict(sd)).toThrow(LoadStateDictError);
    expect(() => new SmallCnn().loadStateDict(sd)).toThrow(
      'size mismatch for classifier.3.weight: copying a param with shape [1, 2] from checkpoint, the shape in current model is [3, 5].',
    );
  });
});

describe('@nn/nn/node', () => {
  it('saves atomically and loads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old contents');
    const model = new SmallCnn();
    await saveFile(path, model.stateDict());
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
    const loaded = new SmallCnn();
    loaded.loadStateDict(await loadFile(path));
    expect(loaded.classifier.at(1).parameters()[0]!.tolist()).toEqual(
      model.classifier.at(1).parameters()[0]!.tolist(),
    );
  });

  it('leaves no temporary file when writing fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    await expect(saveFile(join(dir, 'missing-dir', 'm.safetensors'), {})).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  afterEach(() => vi.restoreAllMocks());
  const weights = () => ({ w: tensor([1, 2, 3]) });

  it('writes through a symlink to its target, as torch.save does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    writeFileSync(join(dir, 'real.safetensors'), 'old contents');
    symlinkSync('real.safetensors', join(dir, 'link.safetensors'));
    await saveFile(join(dir, 'link.safetensors'), weights());
    expect(lstatSync(join(dir, 'link.safetensors')).isSymbolicLink()).toBe(true);
    expect((await loadFile(join(dir, 'real.safetensors'))).w!.tolist()).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(['link.safetensors', 'real.safetensors']);
  });

  it('refuses to replace a read-only file and keeps its mode otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    const path = join(dir, 'frozen.safetensors');
    writeFileSync(path, 'keep me');
    chmodSync(path, 0o444);
    await expect(saveFile(path, weights())).rejects.toThrow(
      `saveFile: ${path} is read-only (mode 444); make it writable (chmod u+w) or save to another path`,
    );
    expect(readFileSync(path, 'utf8')).toBe('keep me');
    expect(readdirSync(dir)).toEqual(['frozen.safetensors']);
    chmodSync(path, 0o640);
    await saveFile(path, weights());
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('fsyncs the file and its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    const probe = await open(dir, 'r');
    const sync = vi.spyOn(Object.getPrototypeOf(probe), 'sync');
    await probe.close();
    await saveFile(join(dir, 'm.safetensors'), weights());
    expect(sync).toHaveBeenCalledTimes(2);
  });

  it('removes temporary files a crashed save of the same target left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    // pid 2**31 - 1 never runs; another target's temp file and a live process's are kept.
    const stale = `m.safetensors.${2 ** 31 - 1}-0123456789ab.tmp`;
    const live = `m.safetensors.${process.pid}-0123456789ab.tmp`;
    const other = `n.safetensors.${2 ** 31 - 1}-0123456789ab.tmp`;
    for (const name of [stale, live, other]) writeFileSync(join(dir, name), new Uint8Array(1000));
    await saveFile(join(dir, 'm.safetensors'), weights());
    expect(readdirSync(dir).sort()).toEqual([live, 'm.safetensors', other].sort());
  });

  it('rejects a truncated file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-weights-'));
    const path = join(dir, 'cut.safetensors');
    writeFileSync(path, tsWrittenBytes.slice(0, 100));
    await expect(loadFile(path)).rejects.toThrow(SafetensorsError);
  });
});
