import { decodeSafetensors, load, Module, type StateDict, save } from '@nn/nn';
import { Optimizer, type OptimizerStateDict } from '@nn/optim';
import { Tensor, ValueError } from '@nn/tensor';

/** A scheduler or anything else with PyTorch's `stateDict()` / `loadStateDict()` pair. */
export interface Stateful {
  stateDict(): unknown;
  loadStateDict(state: never): unknown;
}

/**
 * What {@link encodeCheckpoint} accepts, as the dict PyTorch users pass to `torch.save`: the model, optimizer
 * and scheduler (objects or their state dicts), the epoch, and any extra JSON values or tensors.
 */
export interface CheckpointInput {
  model?: Module | StateDict;
  optimizer?: Optimizer | OptimizerStateDict;
  scheduler?: Stateful | Record<string, unknown>;
  epoch?: number;
  [extra: string]: unknown;
}

/** What {@link decodeCheckpoint} returns: state dicts ready for `loadStateDict`, and the extras as saved. */
export interface Checkpoint {
  model?: StateDict;
  optimizer?: OptimizerStateDict;
  scheduler?: Record<string, unknown>;
  epoch?: number;
  [extra: string]: unknown;
}

/** The metadata key holding the JSON part. */
const KEY = 'nn.checkpoint';
const FORMAT = 1;

/**
 * Encodes a checkpoint as one safetensors file (browser-safe): every tensor, wherever it sits (model
 * weights, optimizer moments, extras), is a tensor of the file; everything else is JSON in the file's
 * `__metadata__`, with references to those tensors. Tensors on async devices are read with `await data()`.
 * Non-finite numbers (a scheduler's `best = Infinity`) survive.
 *
 * @example
 * ```ts
 * const bytes = await encodeCheckpoint({ model, optimizer, scheduler, epoch: 3 });
 * ```
 */
export async function encodeCheckpoint(input: CheckpointInput): Promise<Uint8Array> {
  const { tensors, metadata } = await checkpointParts(input);
  return save(tensors, { metadata });
}

/** A checkpoint split into its tensors (on the CPU) and the safetensors metadata holding the rest as JSON. */
export async function checkpointParts(
  input: CheckpointInput,
): Promise<{ tensors: StateDict; metadata: Record<string, string> }> {
  const tensors: Record<string, Tensor> = {};
  const reads: Promise<void>[] = [];
  const walk = (value: unknown, path: string): unknown => {
    if (value instanceof Tensor) {
      const t = value;
      reads.push(
        t.data().then((data) => {
          tensors[path] = Tensor.fromArray(data, t.shape, t.dtype);
        }),
      );
      return { $tensor: path };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    if (value instanceof Module || value instanceof Optimizer) return walk(value.stateDict(), path);
    if (isStateful(value)) return walk(value.stateDict(), path);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}/${i}`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}/${k}` : k)]),
      );
    }
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
      throw new ValueError(
        'encodeCheckpoint',
        `entry '${path}' is a ${typeof value}, which a checkpoint cannot hold`,
      );
    }
    return value;
  };
  const json = JSON.stringify(walk(input, ''));
  await Promise.all(reads);
  return { tensors, metadata: { format: 'pt', [KEY]: json, [`${KEY}.version`]: String(FORMAT) } };
}

/**
 * Decodes {@link encodeCheckpoint}'s bytes: `model` is a state dict, `optimizer` an optimizer state dict,
 * `scheduler` a scheduler state dict, extras as they were saved (tensors on the CPU).
 *
 * @example
 * ```ts
 * const checkpoint = decodeCheckpoint(bytes);
 * model.loadStateDict(checkpoint.model!);
 * optimizer.loadStateDict(checkpoint.optimizer!);
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const json = decodeSafetensors(bytes).metadata?.[KEY];
  if (json === undefined) {
    throw new ValueError(
      'decodeCheckpoint',
      `the file has no '${KEY}' metadata: it is a plain weights file, not a checkpoint; load it with loadFile() and model.loadStateDict()`,
    );
  }
  const tensors = load(bytes);
  return JSON.parse(json, (_key, value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.$tensor === 'string') {
        const t = tensors[value.$tensor];
        if (!t)
          throw new ValueError(
            'decodeCheckpoint',
            `tensor '${value.$tensor}' is referenced but missing from the file`,
          );
        return t;
      }
      if (typeof value.$number === 'string') return Number(value.$number);
    }
    return value;
  }) as Checkpoint;
}

function isStateful(value: unknown): value is Stateful {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Stateful).stateDict === 'function' &&
    typeof (value as Stateful).loadStateDict === 'function'
  );
}
