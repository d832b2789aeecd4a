// Unstructured magnitude and random pruning, as torch.nn.utils.prune: the pruned parameter becomes
// `${name}_orig`, the mask the buffer `${name}_mask`, and `name` is recomputed as `orig * mask` before
// every call, so state-dict keys and gradients match PyTorch's.
import { checkOptions, onesLike, randLike, type Tensor, tensor, ValueError } from '@nn/tensor';
import type { Module, RemovableHandle } from '../module/module';
import type { Parameter } from '../module/parameter';
import { L1_UNSTRUCTURED_KEYS } from './option-keys';
import { deleteField, field, HookRegistry, parameterOf, setField } from './reparametrization';

const pruned = new HookRegistry<{ handle: RemovableHandle }>();

/** A pruned module's type: `${name}_orig` (the parameter) and `${name}_mask` (the buffer) as fields. */
export type Pruned<M extends Module, N extends string> = M &
  Record<`${N}_orig`, Parameter> &
  Record<`${N}_mask`, Tensor>;

/** Options of {@link l1Unstructured}. */
export interface L1UnstructuredOptions {
  /** Scores to rank the entries by instead of the parameter itself (same shape). */
  importanceScores?: Tensor;
}

/** Python's round (half to even), which PyTorch uses to turn a fraction into a count. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * How many of `candidates` entries `amount` prunes, checked as torch. JS has one number type, so an
 * integer is a count (1 prunes one entry, as Python's `1`) and anything else a fraction in (0, 1).
 */
function countToPrune(op: string, amount: number, candidates: number, name: string): number {
  const isFraction = !Number.isInteger(amount);
  if (!(amount >= 0) || (isFraction && amount > 1)) {
    throw new ValueError(
      op,
      `amount=${amount} should either be a fraction in (0, 1) or a non-negative integer count of entries`,
    );
  }
  const k = isFraction ? roundHalfEven(amount * candidates) : amount;
  if (k > candidates) {
    throw new ValueError(
      op,
      `amount=${amount} should be smaller than the number of parameters to prune=${candidates} (of '${name}')`,
    );
  }
  return k;
}

/**
 * Zeroes `amount` more entries of `module[name]`'s mask, those with the smallest (or, with `largest`, the
 * largest) `scoresOf(orig)` among the entries still unpruned, then installs or updates the reparametrization.
 */
function applyPruning(
  op: string,
  module: Module,
  name: string,
  amount: number,
  scoresOf: (orig: Tensor) => Tensor,
  largest: boolean,
): Module {
  const first = pruned.get(module, name) === undefined;
  const orig = first ? parameterOf(op, module, name) : (field(module, `${name}_orig`) as Tensor);
  const mask = first ? onesLike(orig) : (field(module, `${name}_mask`) as Tensor);
  const maskValues = Array.from(mask.dataSync(), Number);
  const candidates = maskValues.flatMap((m, i) => (m === 1 ? [i] : []));
  const k = countToPrune(op, amount, candidates.length, name);
  const next = maskValues.slice();
  const scores = scoresOf(orig).detach().reshape([-1]);
  if (k > 0) {
    // Torch computes the mask among the unpruned entries only (its PruningContainer), via topk.
    const candidateIndex = tensor(candidates, { dtype: 'int32', device: scores.device });
    const { indices } = scores.indexSelect(0, candidateIndex).topk(k, 0, { largest });
    for (const j of indices.dataSync()) next[candidates[Number(j)]!] = 0;
  }
  const newMask = tensor(next, { dtype: orig.dtype, device: orig.device }).reshape(orig.shape);
  if (first) {
    module.registerParameter(`${name}_orig`, orig);
    deleteField(module, name);
  }
  module.registerBuffer(`${name}_mask`, newMask);
  setField(module, name, orig.mul(newMask));
  if (first) {
    const handle = module.registerForwardPreHook((m) => {
      setField(m, name, (field(m, `${name}_orig`) as Tensor).mul(field(m, `${name}_mask`) as Tensor));
    });
    pruned.set(module, name, { handle });
  }
  return module;
}

/**
 * Prunes the `amount` entries of `module[name]` with the smallest absolute value (`prune.l1_unstructured`):
 * `amount` is a count, or a fraction of the entries (rounded half to even, as Python). Pruning again prunes
 * among the entries still kept. Returns the module.
 *
 * @example
 * ```ts
 * import { Linear, utils } from '@nn/nn';
 *
 * const layer = utils.prune.l1Unstructured(new Linear(4, 3), 'weight', 0.5);
 * console.log(Object.keys(layer.stateDict())); // [ 'bias', 'weight_orig', 'weight_mask' ]
 * console.log(layer.weight.eq(0).sum().item()); // 6
 * ```
 */
export function l1Unstructured<M extends Module, N extends string>(
  module: M,
  name: N,
  amount: number,
  options: L1UnstructuredOptions = {},
): Pruned<M, N> {
  checkOptions('l1Unstructured', options, L1_UNSTRUCTURED_KEYS);
  const scores = options.importanceScores;
  return applyPruning(
    'l1Unstructured',
    module,
    name,
    amount,
    (orig) => {
      if (scores && scores.shape.join(',') !== orig.shape.join(',')) {
        throw new ValueError(
          'l1Unstructured',
          `importanceScores should have the same shape as parameter '${name}' of ${module.constructor.name}: ` +
            `[${orig.shape.join(',')}], got [${scores.shape.join(',')}]`,
        );
      }
      return (scores ?? orig).abs();
    },
    false,
  ) as Pruned<M, N>;
}

/**
 * Prunes `amount` entries of `module[name]` chosen at random (`prune.random_unstructured`); `amount` is a
 * count or a fraction. Returns the module.
 */
export function randomUnstructured<M extends Module, N extends string>(
  module: M,
  name: N,
  amount: number,
): Pruned<M, N> {
  return applyPruning('randomUnstructured', module, name, amount, (orig) => randLike(orig), true) as Pruned<
    M,
    N
  >;
}

/**
 * Makes the pruning of `module[name]` permanent (`prune.remove`): `name` becomes a plain parameter again
 * holding `orig * mask` (the same Parameter object as `${name}_orig`), and the mask buffer is dropped.
 */
export function remove<M extends Module>(module: M, name: string): M {
  if (!pruned.get(module, name)) {
    throw new ValueError(
      'prune.remove',
      `parameter '${name}' of module ${module.constructor.name} has to be pruned before pruning can be removed`,
    );
  }
  const orig = field(module, `${name}_orig`) as Tensor;
  const weight = orig.mul(field(module, `${name}_mask`) as Tensor).detach();
  pruned.take(module, name);
  deleteField(module, name);
  deleteField(module, `${name}_orig`);
  deleteField(module, `${name}_mask`);
  orig.setData_(weight);
  module.registerParameter(name, orig);
  return module;
}

/** Whether `module` or any module below it has a pruned tensor (`prune.is_pruned`). */
export function isPruned(module: Module): boolean {
  return module.modules().some((m) => pruned.has(m));
}
