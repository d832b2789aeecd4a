/**
 * Node-only helpers of `@nn/nn`: `saveFile` / `loadFile` read and write safetensors files.
 *
 * @module @nn/nn/node
 */
// Node-only helpers of @nn/nn (`@nn/nn/node`): reading and writing weight files. Browser code uses
// `save`/`load` from `@nn/nn` with bytes instead.
import { readFile } from 'node:fs/promises';
import type { StateDict } from './module/module';
import { load, type SaveOptions, save } from './serialization/state-dict-io';
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
