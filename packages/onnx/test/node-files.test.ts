import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linear } from '@nn/nn';
import { randn, type Tensor } from '@nn/tensor';
import { assertClose } from '@nn/tooling/test-utils';
import { expect, it } from 'vitest';
import { exportOnnx } from '../src/index';
import { exportOnnxFile, importOnnxFile } from '../src/node';

it('exportOnnxFile writes exportOnnx bytes; importOnnxFile reads them back', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'nn-onnx-')), 'linear.onnx');
  const model = new Linear(3, 2);
  const x = randn([4, 3]);
  await exportOnnxFile(path, model, [x]);
  expect(readFileSync(path)).toEqual(Buffer.from(exportOnnx(model, [x])));
  const back = await importOnnxFile(path);
  assertClose(back.call(x) as Tensor, model.call(x), { atol: 1e-6 });
});
