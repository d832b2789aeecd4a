import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type Tensor, tensor, ValueError } from '@nn/tensor';
import { Vocabulary } from './vocabulary';

/** The text shipped with the app: Genesis to Deuteronomy, King James Version (see README for source and licence). */
export const DEFAULT_TEXT = fileURLToPath(new URL('../data/kjv-pentateuch.txt.gz', import.meta.url));

/** A UTF-8 text file, gunzipped when its name ends in `.gz`. */
export async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** A text as character ids, cut into a training part and a held-out part. */
export interface Corpus {
  vocabulary: Vocabulary;
  train: Int32Array;
  heldOut: Int32Array;
}

/**
 * Splits `text` into its first part for training and its last `heldOutFraction` for measuring perplexity,
 * cut at a line start so no line (verse) is shared. The vocabulary is the whole text's, so held-out text
 * has no unknown characters.
 */
export function splitCorpus(text: string, heldOutFraction: number): Corpus {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
    throw new ValueError('splitCorpus', `heldOutFraction must be in (0, 1), got ${heldOutFraction}`);
  }
  const vocabulary = Vocabulary.fromText(text);
  const ids = vocabulary.encode(text);
  const target = Math.floor(ids.length * (1 - heldOutFraction));
  const newline = vocabulary.has('\n') ? vocabulary.encode('\n')[0]! : -1;
  let cut = target;
  while (cut < ids.length && ids[cut - 1] !== newline) cut++;
  if (cut >= ids.length) cut = target; // a text without line breaks is cut mid-line
  return { vocabulary, train: ids.subarray(0, cut), heldOut: ids.subarray(cut) };
}

/**
 * Next-character training pairs from `ids`: non-overlapping windows of `seqLen` inputs, each with the
 * same window shifted by one as targets, as int32 tensors `[windows, seqLen]` (the tail shorter than a
 * window is dropped).
 */
export function nextCharWindows(ids: Int32Array, seqLen: number): [Tensor, Tensor] {
  const count = Math.floor((ids.length - 1) / seqLen);
  if (count < 1) {
    throw new ValueError(
      'nextCharWindows',
      `${ids.length} characters make no window of ${seqLen} inputs and targets; use more text or a shorter --seq-len`,
    );
  }
  const x = new Int32Array(count * seqLen);
  const y = new Int32Array(count * seqLen);
  for (let w = 0; w < count; w++) {
    x.set(ids.subarray(w * seqLen, (w + 1) * seqLen), w * seqLen);
    y.set(ids.subarray(w * seqLen + 1, (w + 1) * seqLen + 1), w * seqLen);
  }
  return [tensor(x).reshape(count, seqLen), tensor(y).reshape(count, seqLen)];
}
