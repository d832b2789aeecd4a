import { allocate, checkOptions, type DType, type StorageArray, Tensor, type TypedArray } from '@nn/tensor';
import type { StateDict } from '../module/module';
import { LOAD_TORCH_KEYS } from '../utils/option-keys';
import { describe, isTuple, type PickleValue, unpickle } from './pickle';
import { readTorchArchive, type TorchArchive } from './torch-archive';
import { TorchFileError } from './torch-file-error';

/** Options of {@link loadTorch}. */
export interface LoadTorchOptions {
  /**
   * Where the state dict sits in a checkpoint that holds more than one (`torch.save({'model': sd, 'epoch':
   * 3})`): a top-level key (`'model'`), or a path of keys (`['ema', 'shadow']`). Default: the top level.
   */
  key?: string | readonly string[];
}

/** The torch storage classes @nn reads: element size, how to view the bytes, and the dtype it loads into. */
const STORAGES = {
  FloatStorage: { torch: 'float32', size: 4, into: 'float32' },
  DoubleStorage: { torch: 'float64', size: 8, into: 'float64' },
  HalfStorage: { torch: 'float16', size: 2, into: 'float16' },
  BFloat16Storage: { torch: 'bfloat16', size: 2, into: 'bfloat16' },
  LongStorage: { torch: 'int64', size: 8, into: 'int64' },
  IntStorage: { torch: 'int32', size: 4, into: 'int32' },
  ShortStorage: { torch: 'int16', size: 2, into: 'int16' },
  CharStorage: { torch: 'int8', size: 1, into: 'int8' },
  ByteStorage: { torch: 'uint8', size: 1, into: 'uint8' },
  BoolStorage: { torch: 'bool', size: 1, into: 'bool' },
} as const satisfies Record<string, { torch: string; size: number; into: DType }>;

type StorageKind = (typeof STORAGES)[keyof typeof STORAGES];

/** Globals PyTorch's `weights_only=True` allows that @nn cannot represent: refused as unsupported, not unsafe. */
const SAFE_BUT_UNSUPPORTED: Record<string, string> = {
  'torch._utils._rebuild_sparse_tensor': 'sparse tensors',
  'torch._utils._rebuild_sparse_csr_tensor': 'sparse tensors',
  'torch._utils._rebuild_meta_tensor_no_storage': 'meta tensors (no data)',
  'torch._utils._rebuild_qtensor': 'quantized tensors',
  'torch._utils._rebuild_tensor': 'tensors from PyTorch before 1.0',
  'torch._tensor._rebuild_from_type_v2': 'tensor subclasses',
  'torch.ComplexFloatStorage': 'complex tensors',
  'torch.ComplexDoubleStorage': 'complex tensors',
  'torch.QInt8Storage': 'quantized tensors',
  'torch.QUInt8Storage': 'quantized tensors',
  'torch.QInt32Storage': 'quantized tensors',
};

/** Python 2 module names that pickle protocol 2 writes, as Python 3's unpickler maps them. */
const PYTHON2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** What the torch globals @nn allows unpickle to. */
const ORDERED_DICT = Symbol('collections.OrderedDict');
const REBUILD_TENSOR = Symbol('torch._utils._rebuild_tensor_v2');
const REBUILD_PARAMETER = Symbol('torch._utils._rebuild_parameter');

class StorageClass {
  constructor(
    readonly name: string,
    readonly kind: StorageKind,
  ) {}
}

/** One storage of the archive: its elements, viewed as the array type of its torch dtype. */
class StorageRef {
  /** How many pickled tensors view this storage: a storage with one whole-storage tensor is not copied. */
  views = 0;
  constructor(
    readonly key: string,
    readonly kind: StorageKind,
    readonly elements: TypedArray | BigInt64Array | Uint16Array | Int16Array | Int8Array | Uint8Array,
  ) {}
}

/** A tensor as pickled: a strided view of a storage, copied out only when its place in the file is known. */
class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly strides: number[],
  ) {}
}

/** The most output bytes a file may expand to: views overlapping in a storage (expand) are copied out. */
const budgetFor = (fileBytes: number) => 4 * fileBytes + 2 ** 26;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A typed array over `bytes` (copied when unaligned or of the other byte order) for a storage of `kind`. */
function viewElements(bytes: Uint8Array, kind: StorageKind, swap: boolean): StorageRef['elements'] {
  const aligned = bytes.byteOffset % kind.size === 0 && !swap ? bytes : new Uint8Array(bytes);
  if (swap) for (let i = 0; i < aligned.length; i += kind.size) aligned.subarray(i, i + kind.size).reverse();
  const { buffer, byteOffset, byteLength } = aligned;
  const n = byteLength / kind.size;
  switch (kind.torch) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, n);
    case 'float64':
      return new Float64Array(buffer, byteOffset, n);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, n);
    case 'int32':
      return new Int32Array(buffer, byteOffset, n);
    case 'int16':
      return new Int16Array(buffer, byteOffset, n);
    case 'int8':
      return new Int8Array(buffer, byteOffset, n);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, n);
    default:
      return new Uint8Array(buffer, byteOffset, n);
  }
}

/** The unpickled checkpoint: values as {@link unpickle} gives them, tensors still {@link TensorRef}s. */
function readCheckpoint(op: string, bytes: Uint8Array): PickleValue {
  const fail = (problem: string): never => {
    throw new TorchFileError(op, problem);
  };
  const archive: TorchArchive = readTorchArchive(op, bytes);
  const storages = new Map<string, StorageRef>();
  const swap = archive.littleEndian !== HOST_LITTLE_ENDIAN;
  return unpickle(
    archive.pickle,
    {
      global(pickledModule, name) {
        // Protocol 2 writes Python 2 names for builtins; name them as Python 3 resolves them.
        const module = Object.hasOwn(PYTHON2_MODULES, pickledModule)
          ? PYTHON2_MODULES[pickledModule]!
          : pickledModule;
        const full = `${module}.${name}`;
        if (full === 'collections.OrderedDict') return ORDERED_DICT;
        if (full === 'torch._utils._rebuild_tensor_v2') return REBUILD_TENSOR;
        if (full === 'torch._utils._rebuild_parameter') return REBUILD_PARAMETER;
        if (module === 'torch' && Object.hasOwn(STORAGES, name))
          return new StorageClass(full, STORAGES[name as keyof typeof STORAGES]);
        if (Object.hasOwn(SAFE_BUT_UNSUPPORTED, full)) {
          return fail(
            `the checkpoint holds ${SAFE_BUT_UNSUPPORTED[full]} ("${full}"), which @nn does not support`,
          );
        }
        const hint = module.startsWith('torch.nn.modules.')
          ? ' The file holds a whole pickled module (torch.save(model)); in PyTorch, save its weights with ' +
            'torch.save(model.state_dict(), path) and load those.'
          : ' If you trust the file, load it in Python and save only its tensors, e.g. ' +
            'torch.save(model.state_dict(), path).';
        return fail(
          `global "${full}" is not loaded for safety: a checkpoint may hold only tensors, storages, dicts, ` +
            "lists, tuples, numbers, strings, booleans and None (PyTorch's weights_only=True set), and unpickling " +
            `anything else can run code.${hint}`,
        );
      },
      reduce(callable, args) {
        if (callable === ORDERED_DICT) {
          if (args.length === 0) return new Map();
          return fail(
            `collections.OrderedDict is called with ${args.length} arguments; torch.save passes none`,
          );
        }
        if (callable === REBUILD_TENSOR) return rebuildTensor(args, fail);
        if (callable === REBUILD_PARAMETER) {
          if (args.length !== 3 || !(args[0] instanceof TensorRef))
            return fail('torch._utils._rebuild_parameter needs (tensor, requires_grad, hooks)');
          return args[0];
        }
        return fail(`the pickle calls ${describe(callable)}, which is not a function torch.save writes`);
      },
      build(target) {
        // OrderedDict state is `_metadata` (module versions); nothing else is built in a torch.save file.
        if (!(target instanceof Map))
          fail(`the pickle sets the state of ${describe(target)}; only dicts may have it`);
      },
      persistentLoad(pid) {
        if (!isTuple(pid) || pid.length !== 5 || pid[0] !== 'storage')
          return fail(`persistent id ${describe(pid)} is not ('storage', type, key, location, size)`);
        const [, type, key, , numel] = pid;
        if (!(type instanceof StorageClass))
          return fail(`storage type ${describe(type)} is not a torch storage class`);
        if (typeof key !== 'string' || !isCount(numel))
          return fail(`storage ${describe(key)} has size ${describe(numel)}, not a count`);
        const known = storages.get(key);
        if (known !== undefined) {
          if (known.kind !== type.kind)
            return fail(`storage "${key}" is read as both ${known.kind.torch} and ${type.kind.torch}`);
          return known;
        }
        const bytes = archive.record(`data/${key}`);
        if (bytes === undefined) return fail(`storage "${key}" has no record data/${key} in the archive`);
        if (bytes.length !== numel * type.kind.size) {
          return fail(
            `storage "${key}" of ${numel} ${type.kind.torch} elements needs ${numel * type.kind.size} bytes but its record has ${bytes.length}`,
          );
        }
        const storage = new StorageRef(key, type.kind, viewElements(bytes, type.kind, swap));
        storages.set(key, storage);
        return storage;
      },
    },
    (problem) => fail(`malformed pickle: ${problem}`),
  );
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])` as a checked view. */
function rebuildTensor(args: readonly unknown[], fail: (problem: string) => never): TensorRef {
  const [storage, offset, shape, strides] = args;
  if (args.length < 6 || args.length > 7 || !(storage instanceof StorageRef))
    return fail(
      'torch._utils._rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks)',
    );
  if (
    !isCount(offset) ||
    !isTuple(shape) ||
    !isTuple(strides) ||
    !shape.every(isCount) ||
    !strides.every(isCount)
  ) {
    return fail(
      `tensor view (offset ${describe(offset)}, size ${describe(shape)}, stride ${describe(strides)}) is not made of counts`,
    );
  }
  if (shape.length !== strides.length)
    return fail(`tensor size [${shape.join(',')}] and stride [${strides.join(',')}] differ in length`);
  const numel = shape.reduce((n, d) => n * d, 1);
  if (numel > 0) {
    const last = shape.reduce((end, d, i) => end + (d - 1) * strides[i]!, offset);
    if (!Number.isSafeInteger(numel) || last >= storage.elements.length) {
      return fail(
        `tensor of size [${shape.join(',')}], stride [${strides.join(',')}] at offset ${offset} reads element ${last} ` +
          `of storage "${storage.key}", which has ${storage.elements.length}`,
      );
    }
  }
  storage.views++;
  return new TensorRef(storage, offset, [...shape], [...strides]);
}

/** How one stored element becomes an @nn element (`i` is its flat index, for errors): bools are checked. */
function converter(
  op: string,
  kind: StorageKind,
  name: string,
): (v: number | bigint, i: number) => number | bigint {
  if (kind.torch !== 'bool') return (v) => v;
  return (v, i) => {
    if ((v as number) > 1)
      throw new TorchFileError(op, `tensor "${name}" (bool) holds byte ${v} at flat index ${i}, not 0 or 1`);
    return v;
  };
}

/** Copies a tensor view out of its storage into a contiguous @nn tensor, converting the dtype. */
function materialize(op: string, ref: TensorRef, name: string): Tensor {
  const { storage, offset, shape, strides } = ref;
  const numel = shape.reduce((n, d) => n * d, 1);
  const source = storage.elements;
  let contiguous = true;
  for (let d = shape.length - 1, step = 1; d >= 0; step *= shape[d]!, d--) {
    if (shape[d]! > 1 && strides[d] !== step) contiguous = false;
  }
  if (contiguous && storage.kind.torch !== 'bool') {
    // The record was extracted into its own buffer: a tensor that is all of it, alone, can keep it.
    const whole =
      storage.views === 1 &&
      offset === 0 &&
      numel === source.length &&
      source.byteLength === source.buffer.byteLength;
    return Tensor.fromArray(whole ? source : source.slice(offset, offset + numel), shape, storage.kind.into);
  }
  const convert = converter(op, storage.kind, name);
  const out = allocate(storage.kind.into, numel) as StorageArray;
  // Walks the view in row-major order, stepping the storage index by the strides (an odometer over dims).
  const counter = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < numel; i++) {
    (out as { [i: number]: number | bigint })[i] = convert(source[at]!, i);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++counter[d]! < shape[d]!) {
        at += strides[d]!;
        break;
      }
      at -= (shape[d]! - 1) * strides[d]!;
      counter[d] = 0;
    }
  }
  return Tensor.fromArray(out, shape, storage.kind.into);
}

/** Turns unpickled values into what users get, copying each tensor once and keeping shared ones shared. */
class Materializer {
  #done = new Map<object, unknown>();
  #bytes = 0;
  readonly #budget: number;
  constructor(
    readonly op: string,
    fileBytes: number,
  ) {
    this.#budget = budgetFor(fileBytes);
  }

  tensor(ref: TensorRef, name: string): Tensor {
    const known = this.#done.get(ref);
    if (known !== undefined) return known as Tensor;
    const numel = ref.shape.reduce((n, d) => n * d, 1);
    this.#bytes += numel * ref.storage.kind.size;
    if (this.#bytes > this.#budget) {
      throw new TorchFileError(
        this.op,
        `tensor "${name}" takes the loaded tensors past ${this.#budget} bytes (4 times the file plus 64 MiB), ` +
          'which only views overlapping in one storage (expanded tensors) can; save .contiguous() copies of them',
      );
    }
    const tensor = materialize(this.op, ref, name);
    this.#done.set(ref, tensor);
    return tensor;
  }

  /** A whole value: dicts stay Maps, lists arrays, tuples frozen arrays; `depth` bounds hostile nesting. */
  value(value: unknown, name: string, depth = 0): unknown {
    if (value instanceof TensorRef) return this.tensor(value, name);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > 1000) throw new TorchFileError(this.op, `"${name}" is nested more than 1000 levels deep`);
    const known = this.#done.get(value);
    if (known !== undefined) return known;
    const child = (key: unknown) => (name === '' ? String(key) : `${name}.${String(key)}`);
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      this.#done.set(value, out);
      for (const [k, v] of value) out.set(k, this.value(v, child(k), depth + 1));
      return out;
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      if (!isTuple(value)) this.#done.set(value, out);
      for (const [i, v] of value.entries()) out.push(this.value(v, child(i), depth + 1));
      return isTuple(value) ? Object.freeze(out) : out;
    }
    // A storage or global left in the value (torch.save of a bare storage, say).
    throw new TorchFileError(
      this.op,
      `"${name || 'the checkpoint'}" is ${describe(value)}, which @nn does not load on its own`,
    );
  }
}

/**
 * Reads a PyTorch checkpoint (the zip format `torch.save` writes since PyTorch 1.6) from its bytes into JS
 * values, as `torch.load(path, weights_only=True)`: dicts become `Map`s (ordered, keys as in Python), lists
 * arrays, tuples frozen arrays, ints numbers (bigint beyond 2^53), and tensors @nn tensors, each a contiguous
 * copy (views with offsets and strides are resolved; two views of one storage share nothing afterwards).
 * Every storage dtype loads as the same @nn dtype, exactly (int64 as int64, float16 as float16, ...).
 * Browser-safe.
 *
 * The pickle is read by a restricted unpickler that never runs or imports anything: it accepts tensors,
 * storages, `OrderedDict`s, lists, tuples, dicts, numbers, strings, booleans and None — PyTorch's
 * `weights_only=True` set — and refuses every other global (`os.system`, `builtins.eval`, model classes)
 * with a {@link TorchFileError} naming it.
 *
 * @throws {TorchFileError} for the legacy (pre-1.6) format, a TorchScript archive, a malformed archive or
 * pickle, or a refused global; ValueError for int64 values outside int32.
 * @example
 * ```ts
 * const checkpoint = decodeTorchFile(bytes) as Map<string, unknown>;
 * const epoch = checkpoint.get('epoch');
 * ```
 */
export function decodeTorchFile(bytes: Uint8Array): unknown {
  return new Materializer('decodeTorchFile', bytes.length).value(
    readCheckpoint('decodeTorchFile', bytes),
    '',
  );
}

const isStateDict = (value: unknown): value is Map<unknown, unknown> =>
  value instanceof Map && value.size > 0 && [...value.values()].every((v) => v instanceof TensorRef);

/** Keys of `map` whose values are state dicts, as `key` options to suggest. */
function stateDictKeys(map: Map<unknown, unknown>, path: string[] = [], depth = 0): string[] {
  const out: string[] = [];
  for (const [k, v] of map) {
    if (typeof k !== 'string' || !(v instanceof Map)) continue;
    if (isStateDict(v))
      out.push(path.length === 0 ? `'${k}'` : `[${[...path, k].map((p) => `'${p}'`).join(', ')}]`);
    else if (depth < 3) out.push(...stateDictKeys(v, [...path, k], depth + 1));
  }
  return out;
}

/**
 * Reads a PyTorch checkpoint's state dict from its bytes, ready for `model.loadStateDict` (browser-safe;
 * {@link decodeTorchFile} has the rules for dtypes and the restricted unpickler). The file may be a
 * `torch.save(model.state_dict())` or a dict holding one (`{'model': sd, 'epoch': 3}`): pick it with `key`.
 * Only the tensors of the chosen dict are copied out.
 *
 * @throws {TorchFileError} when the file is not a readable checkpoint, `key` is missing, or the chosen value
 * is not a dict of tensors (the message lists the keys that are); ValueError for int64 values outside int32.
 * @example
 * ```ts
 * model.loadStateDict(loadTorch(bytes, { key: 'model' }));
 * ```
 */
export function loadTorch(bytes: Uint8Array, options: LoadTorchOptions = {}): StateDict {
  checkOptions('loadTorch', options, LOAD_TORCH_KEYS);
  const op = 'loadTorch';
  const root = readCheckpoint(op, bytes);
  const path =
    options.key === undefined ? [] : typeof options.key === 'string' ? [options.key] : [...options.key];
  let value = root;
  for (const [i, key] of path.entries()) {
    const where = path
      .slice(0, i)
      .map((p) => `['${p}']`)
      .join('');
    if (!(value instanceof Map))
      throw new TorchFileError(
        op,
        `checkpoint${where} is ${describe(value)}, not a dict, so it has no key '${key}'`,
      );
    if (!value.has(key)) {
      const keys = [...value.keys()].map((k) => (typeof k === 'string' ? `'${k}'` : String(k)));
      throw new TorchFileError(
        op,
        `checkpoint${where} has no key '${key}'; its keys are ${keys.join(', ') || 'none'}`,
      );
    }
    value = value.get(key);
  }
  const where = `checkpoint${path.map((p) => `['${p}']`).join('')}`;
  if (!(value instanceof Map))
    throw new TorchFileError(op, `${where} is ${describe(value)}, not a state dict`);
  const offending = [...value].find(([k, v]) => typeof k !== 'string' || !(v instanceof TensorRef));
  if (offending !== undefined) {
    const candidates = stateDictKeys(value);
    throw new TorchFileError(
      op,
      `${where} is not a state dict: its entry ${typeof offending[0] === 'string' ? `'${offending[0]}'` : describe(offending[0])} ` +
        `is ${describe(offending[1])}, not a tensor` +
        (candidates.length > 0
          ? `; pick the state dict it holds with { key: ${candidates.join(' }, { key: ')} }`
          : '; a state dict maps names to tensors'),
    );
  }
  const materializer = new Materializer(op, bytes.length);
  const out: StateDict = Object.create(null);
  for (const [k, v] of value) out[k as string] = materializer.tensor(v as TensorRef, k as string);
  return out;
}
