import { unzipSync } from 'fflate';
import { TorchFileError } from './torch-file-error';

/** The parts of a `torch.save` zip archive that a checkpoint is read from. */
export interface TorchArchive {
  /** The pickle (`<archive>/data.pkl`). */
  pickle: Uint8Array;
  /** A record under the archive folder (`data/0`), or undefined when absent. */
  record(name: string): Uint8Array | undefined;
  /** The byte order of the storages: `<archive>/byteorder` (PyTorch 2.x), little-endian when absent. */
  littleEndian: boolean;
}

/** Smallest zip central-directory entry: bounds how many entries a file of n bytes can really hold. */
const CENTRAL_ENTRY_BYTES = 46;
/** Deflate cannot expand more than this: a larger declared size is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

const startsWith = (bytes: Uint8Array, ...prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

const RESAVE =
  'load it in Python (PyTorch >= 1.6) and save it again, which writes the zip format: ' +
  `python3 -c "import torch; torch.save(torch.load('old.pt', map_location='cpu'), 'new.pt')"`;

/** Why `bytes` are not a zip archive, for the formats people mistake for one. */
function notZip(bytes: Uint8Array): string {
  if (bytes[0] === 0x80 && bytes[1] !== undefined && bytes[1] >= 2 && bytes[1] <= 5) {
    return `the file is in PyTorch's legacy format (before 1.6, or saved with _use_new_zipfile_serialization=False), which @nn does not read; ${RESAVE}`;
  }
  if (bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    return `the file is in PyTorch's tar format (before 0.4), which @nn does not read; ${RESAVE}`;
  }
  if (bytes.length >= 9 && bytes[8] === 0x7b /* { */ && bytes[6] === 0 && bytes[7] === 0) {
    return 'the file looks like safetensors, not a torch.save checkpoint; read it with load() / loadFile()';
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not a PyTorch checkpoint: a torch.save file is a zip archive starting with "PK" (50 4b 03 04), this one starts with ${head || 'nothing (it is empty)'}`;
}

/**
 * Opens a `torch.save` zip archive with fflate (a small, well-kept zip library; torch writes stored entries,
 * and deflated ones from re-zipping are read too). The archive is untrusted: the entry count and each
 * declared size are checked against the file before anything is extracted, and only the records a checkpoint
 * needs are extracted.
 */
export function readTorchArchive(op: string, bytes: Uint8Array): TorchArchive {
  const fail = (problem: string): never => {
    throw new TorchFileError(op, problem);
  };
  if (!startsWith(bytes, 0x50, 0x4b, 0x03, 0x04) && !startsWith(bytes, 0x50, 0x4b, 0x05, 0x06))
    fail(notZip(bytes));
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(entry) {
        names.push(entry.name);
        if (names.length > bytes.length / CENTRAL_ENTRY_BYTES)
          fail('the zip directory claims more entries than the file can hold');
        const wanted = /(^|\/)(data\.pkl|byteorder|data\/[^/]+)$/.test(entry.name);
        if (!wanted) return false;
        if (entry.compression !== 0 && entry.compression !== 8)
          fail(
            `zip entry "${entry.name}" uses compression method ${entry.compression}; only stored and deflated entries are read`,
          );
        const limit = entry.compression === 0 ? bytes.length : entry.size * MAX_DEFLATE_RATIO + 1024;
        if (entry.size > bytes.length || entry.originalSize > limit)
          fail(
            `zip entry "${entry.name}" declares ${entry.originalSize} bytes, more than the ${bytes.length}-byte file can hold`,
          );
        return true;
      },
    });
  } catch (error) {
    if (error instanceof TorchFileError) throw error;
    throw new TorchFileError(
      op,
      `the file is not a valid zip archive (${error instanceof Error ? error.message : String(error)})`,
      {
        cause: error,
      },
    );
  }
  if (names.some((n) => /(^|\/)constants\.pkl$/.test(n)) || names.some((n) => /(^|\/)code\//.test(n))) {
    fail(
      'the file is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; in PyTorch, save the ' +
        "weights with torch.save(torch.jit.load('model.pt').state_dict(), 'weights.pt') and load those",
    );
  }
  const pickles = Object.keys(files).filter((n) => /(^|\/)data\.pkl$/.test(n));
  if (pickles.length !== 1) {
    fail(
      pickles.length === 0
        ? `the zip archive has no data.pkl record, so it is not a torch.save checkpoint (entries: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`
        : `the zip archive has ${pickles.length} data.pkl records (${pickles.slice(0, 3).join(', ')}); a torch.save checkpoint has one`,
    );
  }
  const prefix = pickles[0]!.slice(0, -'data.pkl'.length);
  const get = (name: string) => (Object.hasOwn(files, prefix + name) ? files[prefix + name] : undefined);
  const order = get('byteorder');
  const orderText = order === undefined ? 'little' : new TextDecoder().decode(order);
  if (orderText !== 'little' && orderText !== 'big')
    fail(`the byteorder record says ${JSON.stringify(orderText.slice(0, 20))}, not "little" or "big"`);
  return { pickle: get('data.pkl')!, record: get, littleEndian: orderText === 'little' };
}
