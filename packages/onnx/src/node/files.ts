import { readFile, writeFile } from 'node:fs/promises';
import type { Module } from '@nn/nn';
import type { Tensor } from '@nn/tensor';
import { type ExportOnnxOptions, exportOnnx } from '../export/export-onnx';
import { importOnnx, type OnnxModule } from '../import/onnx-module';

/**
 * {@link exportOnnx} written to `path` (a `.onnx` file), as `torch.onnx.export(model, args, "model.onnx")`.
 *
 * @example
 * await exportOnnxFile('mnist.onnx', model, [randn([1, 1, 28, 28])], { dynamicBatch: true });
 */
export async function exportOnnxFile(
  path: string,
  model: Module,
  exampleInputs: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Promise<void> {
  await writeFile(path, exportOnnx(model, exampleInputs, options));
}

/**
 * {@link importOnnx} of the `.onnx` file at `path`.
 *
 * @example
 * const model = await importOnnxFile('model.onnx');
 */
export async function importOnnxFile(path: string): Promise<OnnxModule> {
  return importOnnx(new Uint8Array(await readFile(path)));
}
