import { arange, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader, parseCsv, RandomSampler, readIdx, TensorDataset } from '../src';

const data = () => new TensorDataset(arange(8).float().reshape(4, 2), arange(4));

describe('@nn/data rejects unknown options', () => {
  it('DataLoader({ numWorkers }) is an error naming the loader; known options work', () => {
    expect(() => new DataLoader(data(), { numWorkers: 4 } as never)).toThrow(ValueError);
    expect(() => new DataLoader(data(), { numWorkers: 4 } as never)).toThrow(
      "DataLoader: unknown option 'numWorkers'; valid options are {",
    );
    expect(() => new DataLoader(data(), { batch_size: 2 } as never)).toThrow(
      "DataLoader: unknown option 'batch_size'; did you mean 'batchSize'?",
    );
    expect(() => new DataLoader(data(), true as never)).toThrow('DataLoader: expected an options object');
    expect(new DataLoader(data(), { batchSize: 2, dropLast: true }).length).toBe(2);
  });

  it('readers and samplers name theirs', () => {
    expect(() => parseCsv('1,2\n', { delim: ';' } as never)).toThrow(
      "parseCsv: unknown option 'delim'; did you mean 'delimiter'?",
    );
    expect(() => parseCsv('1,2\n', { label_column: 0 } as never)).toThrow("did you mean 'labelColumn'?");
    expect(() => readIdx(new Uint8Array(0), { maxBytes: 1 } as never)).toThrow(
      "readIdx: unknown option 'maxBytes'; valid options are { name }",
    );
    expect(() => new RandomSampler({ length: 3 }, { num_samples: 2 } as never)).toThrow(
      "RandomSampler: unknown option 'num_samples'; did you mean 'numSamples'?",
    );
  });
});
