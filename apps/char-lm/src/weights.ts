import { readFile } from 'node:fs/promises';
import { decodeSafetensors, load } from '@nn/nn';
import { saveFile } from '@nn/nn/node';
import { Tensor, ValueError } from '@nn/tensor';
import { buildModel } from './models/build-model';
import type { CharLanguageModel, ModelConfig } from './models/char-model';
import { Vocabulary } from './vocabulary';

/** The safetensors `__metadata__` key holding the model's sizes and vocabulary (JSON). */
const METADATA_KEY = 'char_lm';

/** What the metadata holds besides the tensors. */
interface SavedSetup {
  config: ModelConfig;
  vocabulary: string[];
}

/**
 * Writes the model's weights as safetensors (PyTorch's key names, readable by `safetensors.torch`) with
 * its sizes and vocabulary in the file's metadata, so {@link loadCharLm} rebuilds it from the file alone.
 */
export async function saveCharLm(
  path: string,
  model: CharLanguageModel,
  vocabulary: Vocabulary,
): Promise<void> {
  const setup: SavedSetup = { config: model.config, vocabulary: [...vocabulary.chars] };
  const host = Object.fromEntries(
    await Promise.all(
      Object.entries(model.stateDict()).map(
        async ([key, t]) => [key, Tensor.fromArray(await t.data(), t.shape, t.dtype)] as const,
      ),
    ),
  );
  await saveFile(path, host, { metadata: { format: 'pt', [METADATA_KEY]: JSON.stringify(setup) } });
}

/** The model and vocabulary saved by {@link saveCharLm} at `path`. */
export async function loadCharLm(
  path: string,
): Promise<{ model: CharLanguageModel; vocabulary: Vocabulary }> {
  const bytes = new Uint8Array(await readFile(path));
  const setupText = decodeSafetensors(bytes).metadata?.[METADATA_KEY];
  if (setupText === undefined) {
    throw new ValueError(
      'loadCharLm',
      `${path} has no "${METADATA_KEY}" metadata, so it was not written by this app; train with --weights ${path} first`,
    );
  }
  const setup = JSON.parse(setupText) as SavedSetup;
  const model = buildModel(setup.config);
  model.loadStateDict(load(bytes));
  return { model, vocabulary: new Vocabulary(setup.vocabulary) };
}
