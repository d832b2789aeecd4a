// Node-only helpers of @nn/nn (`@nn/nn/node`): reading and writing weight files. Browser code uses
// `save`/`load` from `@nn/nn` with bytes instead.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { StateDict } from './module/module';
import { load, type SaveOptions, save } from './serialization/state-dict-io';

/**
 * Writes `stateDict` as a safetensors file at `path`. The bytes go to a temporary file in the same
 * directory that is then renamed over `path`, so a crash or a full disk never leaves a truncated file.
 *
 * @example await saveFile('model.safetensors', model.stateDict());
 */
export async function saveFile(path: string, stateDict: StateDict, options: SaveOptions = {}): Promise<void> {
  const bytes = save(stateDict, options);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Reads a safetensors file (ours, PyTorch's or Hugging Face's) into a state dict for `loadStateDict`.
 *
 * @example model.loadStateDict(await loadFile('model.safetensors'));
 */
export async function loadFile(path: string): Promise<StateDict> {
  return load(new Uint8Array(await readFile(path)));
}
