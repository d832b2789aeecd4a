import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, ValueError } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadTorchFile } from '../src/node';
import { save } from '../src/serialization/state-dict-io';
import { decodeTorchFile, loadTorch } from '../src/serialization/torch-file';
import { TorchFileError } from '../src/serialization/torch-file-error';
import { SmallCnn } from './small-cnn';

interface Cases {
  dtypes: { file: string; tensors: Record<string, FixtureTensor>; torchDtypes: Record<string, string> };
  views: { file: string; tensors: Record<string, FixtureTensor> };
  nested: {
    file: string;
    model: Record<string, FixtureTensor>;
    stepOfFirstParam: number;
    expAvgOfBias: FixtureTensor;
  };
  parameters: { file: string; tensors: Record<string, FixtureTensor> };
  protocol4: { file: string; tensors: Record<string, FixtureTensor> };
  int64Overflow: { file: string; tensor: string; value: string; index: number };
  smallCnn: { file: string; input: FixtureTensor; output: FixtureTensor };
  legacy: { file: string };
  torchscript: { file: string };
  malicious: { files: Record<string, string> };
  counter: { file: string; global: string };
}

const { cases } = loadFixtures(new URL('./fixtures/torch-file.jsonl', import.meta.url)) as unknown as {
  cases: Cases;
};
const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/torch/${name}`, import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(fixturePath(name)));

/** Exact equality of dtype, shape and values with what torch holds (widened as @nn stores it). */
function expectTensors(actual: Record<string, Tensor>, expected: Record<string, FixtureTensor>) {
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name]!;
    expect(got, name).toBeInstanceOf(Tensor);
    expect(got.dtype, name).toBe(want.dtype);
    expect(got.shape, name).toEqual(want.shape);
    expect(Array.from(got.dataSync() as ArrayLike<number>), name).toEqual(Array.from(fixtureArray(want)));
  }
}

/** A torch.save-shaped zip from records (name -> bytes), for hand-made archives. */
function archive(records: Record<string, Uint8Array | string>): Uint8Array {
  const entries = Object.fromEntries(
    Object.entries(records).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]),
  );
  return zipSync(entries, { level: 0 });
}

/** A protocol-2 pickle of a dict `{name: tensor}` over storage "0", as torch writes it. */
function pickleOneTensor(
  name: string,
  storage: string,
  numel: number,
  size: number[],
  stride: number[],
  offset = 0,
) {
  const parts: number[] = [0x80, 0x02, 0x7d, 0x28];
  const unicode = (s: string) => parts.push(0x58, s.length, 0, 0, 0, ...strToU8(s));
  const int = (n: number) => parts.push(0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  const tuple = (values: number[]) => {
    parts.push(0x28);
    for (const v of values) int(v);
    parts.push(0x74);
  };
  unicode(name);
  parts.push(...strToU8('ctorch._utils\n_rebuild_tensor_v2\n'), 0x28, 0x28);
  unicode('storage');
  parts.push(...strToU8(`ctorch\n${storage}\n`));
  unicode('0');
  unicode('cpu');
  int(numel);
  parts.push(0x74, 0x51);
  int(offset);
  tuple(size);
  tuple(stride);
  parts.push(0x89, ...strToU8('ccollections\nOrderedDict\n'), 0x29, 0x52, 0x74, 0x52, 0x75, 0x2e);
  return Uint8Array.from(parts);
}

describe('loadTorch: files written by torch.save (PyTorch 1.13)', () => {
  it('reads every storage dtype as the same @nn dtype, exactly', () => {
    const { file, tensors, torchDtypes } = cases.dtypes;
    expect(Object.values(torchDtypes).sort()).toEqual(
      ['bfloat16', 'bool', 'float16', 'float32', 'float32', 'float32', 'float64', 'int16', 'int32', 'int64']
        .concat(['int8', 'uint8'])
        .sort(),
    );
    expectTensors(loadTorch(read(file)), tensors);
  });

  it('resolves views: storage offsets, transposed and stepped strides, stride-0 expands, shared storages', () => {
    const sd = loadTorch(read(cases.views.file));
    expectTensors(sd, cases.views.tensors);
    // The same pickled tensor twice (tied weights) loads as one tensor; views of one storage are copies.
    expect(sd.tied_1).toBe(sd.tied_2);
    expect(sd.shared_a).not.toBe(sd.shared_b);
  });

  it('picks a state dict nested in a checkpoint with key, and reads the rest with decodeTorchFile', () => {
    const bytes = read(cases.nested.file);
    expectTensors(loadTorch(bytes, { key: 'model' }), cases.nested.model);
    expectTensors(loadTorch(bytes, { key: ['ema', 'shadow'] }), {
      weight: { shape: [2, 3], dtype: 'float32', data: [1, 1, 1, 1, 1, 1] },
    });
    const all = decodeTorchFile(bytes) as Map<string, unknown>;
    expect([...all.keys()]).toEqual([
      'model',
      'optimizer',
      'epoch',
      'lr',
      'name',
      'flags',
      'history',
      'big',
      'huge',
      'negative',
      'ema',
    ]);
    expect(all.get('epoch')).toBe(3);
    expect(all.get('lr')).toBe(0.1);
    expect(all.get('name')).toBe('run-1');
    expect(all.get('flags')).toEqual([true, false, null]);
    expect(Object.isFrozen(all.get('flags'))).toBe(true); // a tuple
    expect(all.get('history')).toEqual([0.5, 0.25]);
    expect(all.get('big')).toBe(2 ** 40);
    expect(all.get('huge')).toBe(2n ** 70n);
    expect(all.get('negative')).toBe(-5);
    // The optimizer state dict keeps Python's int keys.
    const optimizer = all.get('optimizer') as Map<string, Map<unknown, unknown>>;
    const state = optimizer.get('state')!;
    expect([...state.keys()]).toEqual([0, 1]);
    const first = state.get(0) as Map<string, Tensor>;
    expect(first.get('step')!.item()).toBe(cases.nested.stepOfFirstParam);
    assertClose((state.get(1) as Map<string, Tensor>).get('exp_avg')!, cases.nested.expAvgOfBias, {
      rtol: 0,
      atol: 0,
    });
    const groups = optimizer.get('param_groups') as unknown as Map<string, unknown>[];
    expect(groups[0]!.get('lr')).toBe(0.01);
    expect(groups[0]!.get('betas')).toEqual([0.9, 0.999]);
  });

  it('says which keys hold state dicts when the checkpoint is not one, and names a missing key', () => {
    const bytes = read(cases.nested.file);
    expect(() => loadTorch(bytes)).toThrow(
      "loadTorch: checkpoint is not a state dict: its entry 'model' is a dict, not a tensor; pick the state dict it holds with { key: 'model' }, { key: ['ema', 'shadow'] }",
    );
    expect(() => loadTorch(bytes, { key: 'state_dict' })).toThrow(
      "checkpoint has no key 'state_dict'; its keys are 'model', 'optimizer', 'epoch', 'lr', 'name', 'flags', 'history', 'big', 'huge', 'negative', 'ema'",
    );
    expect(() => loadTorch(bytes, { key: ['epoch', 'x'] })).toThrow(
      "checkpoint['epoch'] is number 3, not a dict, so it has no key 'x'",
    );
    expect(() => loadTorch(bytes, { key: 'model', strict: true } as never)).toThrow(ValueError);
  });

  it('reads nn.Parameters and requires_grad tensors as plain tensors', () => {
    expectTensors(loadTorch(read(cases.parameters.file)), cases.parameters.tensors);
  });

  it('reads files saved with pickle_protocol=4 (FRAME, MEMOIZE, STACK_GLOBAL)', () => {
    expectTensors(loadTorch(read(cases.protocol4.file)), cases.protocol4.tensors);
  });

  it('loads int64 values beyond int32 exactly', async () => {
    const { file, tensor: name, value, index } = cases.int64Overflow;
    const ids = loadTorch(read(file))[name]!;
    expect(ids.dtype).toBe('int64');
    expect((await ids.dataBigInt())[index]).toBe(BigInt(value));
  });

  it("loads a SmallCnn checkpoint into the @nn model, which then gives torch's outputs", async () => {
    const model = new SmallCnn();
    const sd = await loadTorchFile(fixturePath(cases.smallCnn.file), { key: 'model' });
    expect(model.loadStateDict(sd)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const { input } = cases.smallCnn;
    const y = model.eval().call(tensor(fixtureArray(input), { dtype: input.dtype }).reshape(input.shape));
    assertClose(y, cases.smallCnn.output, { rtol: 1e-5, atol: 1e-6 });
  });
});

describe('loadTorch: refusing what it must not load', () => {
  it.each(Object.entries(cases.malicious.files))(
    'refuses %s, naming global %s, running nothing',
    (file, name) => {
      const bytes = read(file);
      for (const run of [() => loadTorch(bytes), () => decodeTorchFile(bytes)]) {
        expect(run).toThrow(TorchFileError);
        expect(run).toThrow(`global "${name}" is not loaded for safety`);
      }
    },
  );

  it('tells a whole pickled module apart and says to save its state_dict', () => {
    expect(() => loadTorch(read('whole-module.pt'))).toThrow(
      'torch.save(model)); in PyTorch, save its weights with torch.save(model.state_dict(), path)',
    );
  });

  it('refuses harmless classes outside the weights_only set too (collections.Counter)', () => {
    expect(() => loadTorch(read(cases.counter.file))).toThrow(
      `global "${cases.counter.global}" is not loaded`,
    );
  });

  it('refuses object-creating opcodes torch never writes', () => {
    // NEWOBJ (0x81) after two values: a dict and an empty tuple.
    const bytes = archive({
      'a/data.pkl': Uint8Array.of(0x80, 0x02, 0x7d, 0x29, 0x81, 0x2e),
      'a/version': '3\n',
    });
    expect(() => loadTorch(bytes)).toThrow(
      'opcode 0x81 NEWOBJ (creates an object) at byte 4 is not one torch.save writes',
    );
  });

  it('explains how to re-save a legacy-format file', () => {
    expect(() => loadTorch(read(cases.legacy.file))).toThrow(
      "legacy format (before 1.6, or saved with _use_new_zipfile_serialization=False), which @nn does not read; load it in Python (PyTorch >= 1.6) and save it again, which writes the zip format: python3 -c \"import torch; torch.save(torch.load('old.pt', map_location='cpu'), 'new.pt')\"",
    );
  });

  it('tells TorchScript archives, safetensors files and other bytes apart', () => {
    expect(() => loadTorch(read(cases.torchscript.file))).toThrow('TorchScript archive (torch.jit.save)');
    expect(() => loadTorch(save({ w: tensor([1]) }))).toThrow('looks like safetensors');
    expect(() => loadTorch(new Uint8Array(0))).toThrow('starts with nothing (it is empty)');
    expect(() => loadTorch(strToU8('hello'))).toThrow('this one starts with 68 65 6c 6c');
  });
});

describe('loadTorch: hand-made archives', () => {
  const floats = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

  it('reads big-endian storages when the archive says byteorder big (PyTorch 2.x on big-endian hosts)', () => {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setFloat32(0, 1.5, false);
    new DataView(big.buffer).setFloat32(4, -2, false);
    const bytes = archive({
      'x/data.pkl': pickleOneTensor('w', 'FloatStorage', 2, [2], [1]),
      'x/byteorder': 'big',
      'x/data/0': big,
    });
    expect(Array.from(loadTorch(bytes).w!.dataSync())).toEqual([1.5, -2]);
  });

  it('checks views against their storage and record sizes against the storage', () => {
    const view = (size: number[], stride: number[], offset: number) =>
      archive({
        'x/data.pkl': pickleOneTensor('w', 'FloatStorage', 4, size, stride, offset),
        'x/data/0': floats([1, 2, 3, 4]),
      });
    expect(Array.from(loadTorch(view([2, 2], [1, 2], 0)).w!.dataSync())).toEqual([1, 3, 2, 4]);
    expect(() => loadTorch(view([2, 2], [2, 1], 1))).toThrow(
      'tensor of size [2,2], stride [2,1] at offset 1 reads element 4 of storage "0", which has 4',
    );
    const short = archive({
      'x/data.pkl': pickleOneTensor('w', 'FloatStorage', 4, [4], [1]),
      'x/data/0': floats([1, 2, 3]),
    });
    expect(() => loadTorch(short)).toThrow(
      'storage "0" of 4 float32 elements needs 16 bytes but its record has 12',
    );
    const missing = archive({ 'x/data.pkl': pickleOneTensor('w', 'FloatStorage', 1, [1], [1]) });
    expect(() => loadTorch(missing)).toThrow('storage "0" has no record data/0 in the archive');
  });

  it('bounds what overlapping views may expand to', () => {
    const bytes = archive({
      'x/data.pkl': pickleOneTensor('w', 'FloatStorage', 1, [2 ** 30], [0]),
      'x/data/0': floats([1]),
    });
    expect(() => loadTorch(bytes)).toThrow('past');
  });

  it('refuses dtypes @nn lacks as unsupported, not as unsafe', () => {
    const bytes = archive({
      'x/data.pkl': pickleOneTensor('w', 'ComplexFloatStorage', 1, [1], [1]),
      'x/data/0': new Uint8Array(8),
    });
    expect(() => loadTorch(bytes)).toThrow(
      'the checkpoint holds complex tensors ("torch.ComplexFloatStorage"), which @nn does not support',
    );
  });
});
