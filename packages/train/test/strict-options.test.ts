import { describe, expect, it } from 'vitest';
import { Accuracy, ConfusionMatrix, EarlyStopping, F1Score } from '../src/index';
import { ModelCheckpoint, ProgressBar } from '../src/node';

// Every options object rejects unknown keys, naming the class, the key and the nearest valid one.
describe('strict options', () => {
  it('reject unknown keys in callbacks and metrics', () => {
    expect(() => new EarlyStopping({ patient: 2 } as never)).toThrow(
      "EarlyStopping: unknown option 'patient'",
    );
    expect(() => new ModelCheckpoint({ dir: 'x', save_best: true } as never)).toThrow(
      "ModelCheckpoint: unknown option 'save_best'; did you mean 'saveBest'?",
    );
    expect(() => new ProgressBar({ tty: false } as never)).toThrow("ProgressBar: unknown option 'tty'");
    expect(() => new Accuracy({ top_k: 5 } as never)).toThrow(
      "Accuracy: unknown option 'top_k'; did you mean 'topK'?",
    );
    expect(() => new ConfusionMatrix({ numClasses: 3, classes: 3 } as never)).toThrow(
      'ConfusionMatrix: unknown option',
    );
    expect(() => new F1Score({ numClasses: 3, avg: 'macro' } as never)).toThrow("unknown option 'avg'");
  });
});
