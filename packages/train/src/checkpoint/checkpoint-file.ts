import { readFile } from 'node:fs/promises';
import { saveFile } from '@nn/nn/node';
import { type Checkpoint, type CheckpointInput, checkpointParts, decodeCheckpoint } from './checkpoint';

/**
 * Writes a checkpoint file (Node), PyTorch's `torch.save({...}, path)` habit: tensors as safetensors,
 * the rest as JSON in the file's metadata. The file is written to a temporary name and renamed, so a crash
 * never leaves half a checkpoint. Pass `trainer.checkpoint()` to resume a fit bit for bit.
 *
 * @example
 * ```ts
 * await saveCheckpoint('run/epoch-3.safetensors', { model, optimizer, scheduler, epoch: 3, note: 'warm-up done' });
 * ```
 */
export async function saveCheckpoint(path: string, checkpoint: CheckpointInput): Promise<void> {
  const { tensors, metadata } = await checkpointParts(checkpoint);
  await saveFile(path, tensors, { metadata });
}

/**
 * Reads a checkpoint file written by {@link saveCheckpoint} (Node).
 *
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint('run/last.safetensors');
 * model.loadStateDict(checkpoint.model!);
 * optimizer.loadStateDict(checkpoint.optimizer!);
 * ```
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(new Uint8Array(await readFile(path)));
}
