import { NNError } from '@nn/tensor';

/** A state-dict entry whose shape differs from the module's tensor of the same name. */
export interface ShapeMismatch {
  /** The state-dict key. */
  key: string;
  /** Shape in the state dict being loaded. */
  checkpoint: readonly number[];
  /** Shape of the module's tensor. */
  model: readonly number[];
}

/**
 * `loadStateDict` could not load: the message lists every problem the way PyTorch does, and the fields
 * give them to code.
 */
export class LoadStateDictError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'LoadStateDictError';
  /** Keys the module expected but the state dict lacks. */
  readonly missingKeys: string[];
  /** Keys of the state dict the module has no tensor for. */
  readonly unexpectedKeys: string[];
  /** Keys whose shapes differ. */
  readonly mismatches: ShapeMismatch[];

  constructor(
    moduleName: string,
    missingKeys: string[],
    unexpectedKeys: string[],
    mismatches: ShapeMismatch[],
  ) {
    const quote = (keys: string[]) => keys.map((k) => `"${k}"`).join(', ');
    const problems = [
      ...(unexpectedKeys.length > 0 ? [`Unexpected key(s) in state_dict: ${quote(unexpectedKeys)}.`] : []),
      ...(missingKeys.length > 0 ? [`Missing key(s) in state_dict: ${quote(missingKeys)}.`] : []),
      ...mismatches.map(
        (m) =>
          `size mismatch for ${m.key}: copying a param with shape [${m.checkpoint.join(', ')}] from checkpoint, ` +
          `the shape in current model is [${m.model.join(', ')}].`,
      ),
    ];
    const hint =
      mismatches.length === 0
        ? ' Pass { strict: false } to load the matching keys and get the others back.'
        : '';
    super(
      'loadStateDict',
      `Error(s) in loading state_dict for ${moduleName}:\n\t${problems.join('\n\t')}${hint}`,
    );
    this.missingKeys = missingKeys;
    this.unexpectedKeys = unexpectedKeys;
    this.mismatches = mismatches;
  }
}
