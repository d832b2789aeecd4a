// Variable-length batches as torch.nn.utils.rnn: a PackedSequence keeps only the real time steps of each
// sequence, time-major, longest sequences first, so a recurrent layer runs each step on the rows still going.
import {
  cat,
  checkOptions,
  full,
  isTensor,
  type OptionKeys,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@nn/tensor';

/**
 * A batch of variable-length sequences packed time-major (`torch.nn.utils.rnn.PackedSequence`): `data` holds
 * step 0 of every sequence, then step 1 of those at least 2 long, and so on; `batchSizes[t]` says how many
 * sequences are still running at step t. Build one with {@link packPaddedSequence} or {@link packSequence};
 * `RNN`, `LSTM` and `GRU` take one and return one.
 *
 * @example
 * ```ts
 * const padded = padSequence([ones([3, 2]), ones([1, 2])]); // [3, 2, 2]
 * const packed = packPaddedSequence(padded, [3, 1]);
 * packed.batchSizes.tolist(); // [2, 1, 1]
 * const [out] = new LSTM(2, 4).forward(packed); // a PackedSequence (`call` is typed for tensors)
 * const [unpacked, lengths] = padPackedSequence(out); // [3, 2, 4], [3, 1]
 * ```
 */
export class PackedSequence {
  constructor(
    /** `[sum of lengths, *]`: the packed time steps. */
    readonly data: Tensor,
    /** int32 `[maxLength]`: how many sequences run at each step (non-increasing). */
    readonly batchSizes: Tensor,
    /** int32 `[B]`: the batch position of the k-th longest sequence, or null when the input was sorted. */
    readonly sortedIndices: Tensor | null = null,
    /** int32 `[B]`: the inverse permutation of `sortedIndices` (null with it). */
    readonly unsortedIndices: Tensor | null = sortedIndices && invertPermutation(sortedIndices),
  ) {}

  /** The same packed batch with `data` replaced (the shape of its trailing dims may change). */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  /** The same packed batch with `data` moved or cast (`batchSizes` stays on the CPU, as torch). */
  to(target: Parameters<Tensor['to']>[0]): PackedSequence {
    return this.withData(this.data.to(target as never));
  }
}

function invertPermutation(p: Tensor): Tensor {
  const order = p.tolist() as number[];
  const inverse = new Int32Array(order.length);
  order.forEach((b, k) => {
    inverse[b] = k;
  });
  return tensor(inverse, { dtype: 'int32' });
}

/** Options of {@link packPaddedSequence}. */
export interface PackOptions {
  /** Input is `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /**
   * Require `lengths` in decreasing order (default true, as torch). With false any order is accepted: the
   * batch is sorted and the permutation kept, so {@link padPackedSequence} and the layers' `hN` restore it.
   */
  enforceSorted?: boolean;
}

const PACK_KEYS: OptionKeys<PackOptions> = { batchFirst: true, enforceSorted: true };

function lengthList(fn: string, lengths: readonly number[] | Tensor): number[] {
  const list = isTensor(lengths) ? (lengths.tolist() as number[]) : [...lengths];
  if (list.some((n) => !Number.isInteger(n))) {
    throw new ValueError(fn, `lengths must be integers, got [${list.join(', ')}]`);
  }
  return list;
}

/**
 * Packs a padded batch `[T, B, *]` (or `[B, T, *]` with `batchFirst`) of sequences of the given `lengths`
 * (`torch.nn.utils.rnn.pack_padded_sequence`). Differentiable with respect to `input`.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: readonly number[] | Tensor,
  options: PackOptions = {},
): PackedSequence {
  const fn = 'packPaddedSequence';
  const { batchFirst = false, enforceSorted = true } = checkOptions(fn, options, PACK_KEYS);
  const list = lengthList(fn, lengths);
  if (input.ndim < 2) {
    throw new ShapeError(fn, `input must be at least 2-d ([T, B, *]), got shape [${input.shape.join(',')}]`);
  }
  const x = batchFirst ? input.transpose(0, 1) : input;
  const [steps, batch] = x.shape as [number, number];
  if (list.length !== batch) {
    throw new ValueError(
      fn,
      `expected ${batch} lengths for input shape [${input.shape.join(',')}] (batchFirst ${batchFirst}), got ${list.length}`,
    );
  }
  if (list.some((n) => n <= 0)) {
    throw new ValueError(
      fn,
      `Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0: [${list.join(', ')}]`,
    );
  }
  const longest = Math.max(...list);
  if (longest > steps) {
    throw new ValueError(
      fn,
      `a length (${longest}) exceeds the ${steps} time steps of input shape [${input.shape.join(',')}]`,
    );
  }
  let order = list.map((_, b) => b);
  if (enforceSorted) {
    if (list.some((n, b) => b > 0 && n > list[b - 1]!)) {
      throw new ValueError(
        fn,
        `\`lengths\` array must be sorted in decreasing order when \`enforceSorted\` is true, got [${list.join(', ')}]; ` +
          'pass enforceSorted: false to pack an unsorted batch',
      );
    }
  } else {
    order = order.sort((a, b) => list[b]! - list[a]!);
  }
  const sorted = order.map((b) => list[b]!);
  const batchSizes = Array.from({ length: longest }, (_, t) => sorted.filter((n) => n > t).length);
  // One gather from the [T * B, *] rows: its backward is one scatter-add, not one zero-padded slice per step.
  const rows: number[] = [];
  batchSizes.forEach((size, t) => {
    for (let k = 0; k < size; k++) rows.push(t * batch + order[k]!);
  });
  const flat = x.reshape([steps * batch, ...x.shape.slice(2)]);
  const data = flat.indexSelect(0, tensor(Int32Array.from(rows), { dtype: 'int32' }));
  return new PackedSequence(
    data,
    tensor(Int32Array.from(batchSizes), { dtype: 'int32' }),
    enforceSorted ? null : tensor(Int32Array.from(order), { dtype: 'int32' }),
  );
}

/** Options of {@link padPackedSequence}. */
export interface PadPackedOptions {
  /** Return `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padded positions (default 0). */
  paddingValue?: number;
  /** Pad to this many steps instead of the longest length (at least that long). */
  totalLength?: number;
}

const PAD_PACKED_KEYS: OptionKeys<PadPackedOptions> = {
  batchFirst: true,
  paddingValue: true,
  totalLength: true,
};

/**
 * Unpacks a {@link PackedSequence} to a padded batch and the int32 lengths, in the original batch order
 * (`torch.nn.utils.rnn.pad_packed_sequence`). Differentiable with respect to `sequence.data`.
 */
export function padPackedSequence(
  sequence: PackedSequence,
  options: PadPackedOptions = {},
): [Tensor, Tensor] {
  const fn = 'padPackedSequence';
  const { batchFirst = false, paddingValue = 0, totalLength } = checkOptions(fn, options, PAD_PACKED_KEYS);
  const batchSizes = sequence.batchSizes.tolist() as number[];
  const longest = batchSizes.length;
  const steps = totalLength ?? longest;
  if (steps < longest) {
    throw new ValueError(
      fn,
      `Expected total_length to be at least the length of the longest sequence in input, but got totalLength=${totalLength} and max sequence length being ${longest}`,
    );
  }
  const batch = batchSizes[0] ?? 0;
  const unsorted = (sequence.unsortedIndices?.tolist() as number[] | undefined) ?? null;
  const position = (b: number) => (unsorted ? unsorted[b]! : b); // where batch entry b sits in the sorted order
  const { data } = sequence;
  const rest = data.shape.slice(1);
  const starts: number[] = [];
  batchSizes.reduce((start, size) => {
    starts.push(start);
    return start + size;
  }, 0);
  // Every output row reads its packed row, or the padding row appended after the packed data.
  const padRow = data.shape[0]!;
  const rows = new Int32Array(steps * batch);
  const lengths = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const k = position(b);
    for (let t = 0; t < steps; t++) {
      const running = t < longest && k < batchSizes[t]!;
      rows[t * batch + b] = running ? starts[t]! + k : padRow;
      if (running) lengths[b] = t + 1;
    }
  }
  const source = cat([data, full([1, ...rest], paddingValue, { dtype: data.dtype, device: data.device })], 0);
  const padded = source.indexSelect(0, tensor(rows, { dtype: 'int32' })).reshape([steps, batch, ...rest]);
  return [batchFirst ? padded.transpose(0, 1) : padded, tensor(lengths, { dtype: 'int32' })];
}

/** Options of {@link padSequence}. */
export interface PadSequenceOptions {
  /** Return `[B, T, *]` instead of `[T, B, *]` (default false). */
  batchFirst?: boolean;
  /** The value of the padded positions (default 0). */
  paddingValue?: number;
}

const PAD_SEQUENCE_KEYS: OptionKeys<PadSequenceOptions> = { batchFirst: true, paddingValue: true };

/**
 * Stacks sequences `[L_i, *]` into one padded batch `[maxL, B, *]` (or `[B, maxL, *]` with `batchFirst`)
 * (`torch.nn.utils.rnn.pad_sequence`).
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  const fn = 'padSequence';
  const { batchFirst = false, paddingValue = 0 } = checkOptions(fn, options, PAD_SEQUENCE_KEYS);
  if (sequences.length === 0) throw new ValueError(fn, 'received an empty list of sequences');
  const rest = sequences[0]!.shape.slice(1);
  const bad = sequences.find((s) => s.ndim === 0 || s.shape.slice(1).join() !== rest.join());
  if (bad) {
    throw new ShapeError(
      fn,
      `every sequence must be [L, ${rest.join(', ')}] like the first, got [${bad.shape.join(',')}]`,
    );
  }
  const longest = Math.max(...sequences.map((s) => s.shape[0]!));
  const padded = sequences.map((s) => {
    const missing = longest - s.shape[0]!;
    const filler = full([missing, ...rest], paddingValue, { dtype: s.dtype, device: s.device });
    return missing > 0 ? cat([s, filler], 0) : s;
  });
  const stacked = cat(
    padded.map((s) => s.unsqueeze(batchFirst ? 0 : 1)),
    batchFirst ? 0 : 1,
  );
  return stacked;
}

/**
 * Packs a list of sequences `[L_i, *]` (`torch.nn.utils.rnn.pack_sequence`): {@link padSequence} then
 * {@link packPaddedSequence} with their lengths.
 */
export function packSequence(
  sequences: readonly Tensor[],
  options: { enforceSorted?: boolean } = {},
): PackedSequence {
  const { enforceSorted = true } = checkOptions('packSequence', options, { enforceSorted: true });
  return packPaddedSequence(
    padSequence(sequences),
    sequences.map((s) => s.shape[0]!),
    { enforceSorted },
  );
}
