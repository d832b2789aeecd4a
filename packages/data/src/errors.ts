import { NNError } from '@nn/tensor';

/**
 * A file a user brought (IDX, CSV, ...) is malformed. The message names the reader, the file when its name is
 * known, and the problem:
 * `readIdx(train-images-idx3-ubyte): declared 60000x28x28 = 47040000 bytes of uint8 data but file has 47039984`.
 */
export class DataFormatError extends NNError {
  /** The class name, for messages and logs. */
  override name = 'DataFormatError';
  /** The reader that rejected the input, e.g. `'readIdx'`. */
  readonly reader: string;
  /** The file name the caller passed, if any. */
  readonly fileName: string | undefined;
  constructor(reader: string, problem: string, fileName?: string) {
    super(fileName === undefined ? reader : `${reader}(${fileName})`, problem);
    this.reader = reader;
    this.fileName = fileName;
  }
}
