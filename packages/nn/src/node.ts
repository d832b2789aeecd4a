/**
 * Node-only helpers of `@nn/nn`: `saveFile` / `loadFile` read and write safetensors files.
 *
 * @module @nn/nn/node
 */
// Node-only helpers of @nn/nn (`@nn/nn/node`): reading and writing weight files. Browser code uses
// `save`/`load` from `@nn/nn` with bytes instead.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ToPyTorchOptions, toPyTorch } from './interop/to-pytorch';
import type { Module, StateDict } from './module/module';
import { load, type SaveOptions, save } from './serialization/state-dict-io';
import { type LoadTorchOptions, loadTorch } from './serialization/torch-file';
import { writeFileAtomic } from './serialization/write-file-atomic';

/**
 * Writes `stateDict` as a safetensors file at `path`, treating the path as `torch.save` does: a symlink is
 * written through to its target, and a read-only file is refused with an error. The bytes go to a temporary
 * file in the same directory that is fsynced and renamed over the target (then the directory is fsynced), so a
 * crash, a full disk or a power cut never leaves a truncated file; temporary files a killed save left behind
 * are removed by the next save to the same path.
 *
 * @example await saveFile('model.safetensors', model.stateDict());
 */
export async function saveFile(path: string, stateDict: StateDict, options: SaveOptions = {}): Promise<void> {
  await writeFileAtomic('saveFile', path, save(stateDict, options));
}

/**
 * Reads a safetensors file (ours, PyTorch's or Hugging Face's) into a state dict for `loadStateDict`.
 *
 * @example model.loadStateDict(await loadFile('model.safetensors'));
 */
export async function loadFile(path: string): Promise<StateDict> {
  return load(new Uint8Array(await readFile(path)));
}

/**
 * Reads a PyTorch checkpoint file (`.pt`/`.pth`, written by `torch.save`) into a state dict for
 * `loadStateDict`, with the restricted unpickler of {@link loadTorch}: it never runs code from the file.
 * Pick a state dict nested in the checkpoint with `key`.
 *
 * @example model.loadStateDict(await loadTorchFile('checkpoint.pt', { key: 'model' }));
 */
export async function loadTorchFile(path: string, options: LoadTorchOptions = {}): Promise<StateDict> {
  return loadTorch(new Uint8Array(await readFile(path)), options);
}

/**
 * Writes the PyTorch equivalent of `model` (see {@link toPyTorch}) as two files: the Python source at
 * `pythonPath` (`model.py`) and the weights beside it with the same stem (`model.safetensors`), which the
 * source's `load_model()` reads by default. Both are written atomically. Returns the two paths.
 *
 * @example await writePyTorch(model, 'export/model.py'); // then in Python: from model import load_model
 */
export async function writePyTorch(
  model: Module,
  pythonPath: string,
  options: Omit<ToPyTorchOptions, 'weightsFile'> = {},
): Promise<{ python: string; weights: string }> {
  const stem = basename(pythonPath).replace(/\.py$/, '');
  const weightsPath = join(dirname(pythonPath), `${stem}.safetensors`);
  const { source, weights } = toPyTorch(model, { ...options, weightsFile: basename(weightsPath) });
  await writeFileAtomic('writePyTorch', weightsPath, weights);
  await writeFileAtomic('writePyTorch', pythonPath, new TextEncoder().encode(source));
  return { python: pythonPath, weights: weightsPath };
}
