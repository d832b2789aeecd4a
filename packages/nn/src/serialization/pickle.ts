// A restricted Python unpickler: it reads the opcodes `torch.save` writes (protocol 2, and 4/5 framing for
// files saved with a higher `pickle_protocol`) into plain JS values and hands every global, call and build to
// a policy, which decides what is allowed. It never imports or runs anything itself. Hand-written rather than
// a pickle library (pickleparser): those resolve globals to JS stand-ins for any class, which is the opposite
// of what a loader of untrusted files needs; the opcode set torch uses is small.

/**
 * Values as unpickled: `str` → string, `int` → number (bigint beyond 2^53), `float` → number, `bool` →
 * boolean, `None` → null, `list` → array, `tuple` → frozen array, `dict` → Map; anything else is whatever
 * the policy returned for it.
 */
export type PickleValue = unknown;

/** What a restricted unpickler is allowed to do; each method throws to refuse. */
export interface UnpicklePolicy {
  /** The value a `module.name` global stands for (GLOBAL / STACK_GLOBAL). */
  global(module: string, name: string): unknown;
  /** Calls a value returned by `global` with `args` (REDUCE). */
  reduce(callable: unknown, args: readonly unknown[]): unknown;
  /** Applies pickled `state` to `target` (BUILD). */
  build(target: unknown, state: unknown): void;
  /** Resolves a persistent id (BINPERSID), e.g. torch's storages. */
  persistentLoad(pid: unknown): unknown;
}

/** Opcodes that are valid pickle but never in a torch.save file: named in the error. */
const REFUSED: Record<number, string> = {
  105: 'INST (creates an object)',
  111: 'OBJ (creates an object)',
  129: 'NEWOBJ (creates an object)',
  146: 'NEWOBJ_EX (creates an object)',
  80: 'PERSID',
  66: 'BINBYTES',
  67: 'SHORT_BINBYTES',
  142: 'BINBYTES8',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
};

const isTuple = (value: unknown): value is readonly unknown[] =>
  Array.isArray(value) && Object.isFrozen(value);

/** A JS number for a Python int when exact, else a bigint. */
function pyInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Python's `decode_long`: little-endian two's complement of any length. */
function decodeLong(bytes: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes.length > 0 && bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return pyInt(value);
}

/**
 * Unpickles `bytes` under `policy`. `fail` throws the caller's error class with a message; it is called for
 * every malformed input (truncation, stack underflow, an unknown or refused opcode, a bad memo index).
 */
export function unpickle(
  bytes: Uint8Array,
  policy: UnpicklePolicy,
  fail: (problem: string) => never,
): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const memo = new Map<number, unknown>();
  const marks: unknown[][] = [];
  let stack: unknown[] = [];
  let at = 0;

  const need = (n: number, what: string): number => {
    if (at + n > bytes.length) fail(`the pickle ends inside ${what} at byte ${at}`);
    const start = at;
    at += n;
    return start;
  };
  const pop = (what: string): unknown => {
    if (stack.length === 0) fail(`${what} at byte ${at - 1} found the stack empty`);
    return stack.pop();
  };
  const top = (what: string): unknown => {
    if (stack.length === 0) fail(`${what} at byte ${at - 1} found the stack empty`);
    return stack[stack.length - 1];
  };
  const popMark = (what: string): unknown[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) fail(`${what} at byte ${at - 1} has no MARK before it`);
    stack = previous;
    return items;
  };
  const text = (start: number, length: number, what: string): string => {
    try {
      return utf8.decode(bytes.subarray(start, start + length));
    } catch {
      return fail(`${what} at byte ${start} is not valid UTF-8`);
    }
  };
  const line = (what: string): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail(`the pickle ends inside ${what} at byte ${at}`);
    const value = text(at, end - at, what);
    at = end + 1;
    return value;
  };
  const setItem = (target: unknown, key: unknown, value: unknown, what: string) => {
    if (!(target instanceof Map)) fail(`${what} at byte ${at - 1} targets ${describe(target)}, not a dict`);
    target.set(key, value);
  };
  const list = (what: string): unknown[] => {
    const target = top(what);
    if (!Array.isArray(target) || isTuple(target))
      fail(`${what} at byte ${at - 1} targets ${describe(target)}, not a list`);
    return target as unknown[];
  };
  const memoGet = (index: number): unknown => {
    if (!memo.has(index)) fail(`memo entry ${index} is read at byte ${at} before it is written`);
    return memo.get(index);
  };
  const memoPut = (index: number) => memo.set(index, top('PUT'));

  for (;;) {
    const opcode = bytes[need(1, 'an opcode')]!;
    switch (opcode) {
      case 0x80: {
        const protocol = bytes[need(1, 'PROTO')]!;
        if (protocol < 2 || protocol > 5)
          fail(`pickle protocol ${protocol} is not one torch.save writes (2 to 5)`);
        break;
      }
      case 0x95: // FRAME: a length hint for buffered readers
        need(8, 'FRAME');
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length !== 0)
          fail(
            `STOP at byte ${at - 1} leaves ${stack.length} values and ${marks.length} marks, not one value`,
          );
        return stack[0];
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x63: {
        // GLOBAL
        const module = line('GLOBAL');
        stack.push(policy.global(module, line('GLOBAL')));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop('STACK_GLOBAL');
        const module = pop('STACK_GLOBAL');
        if (typeof module !== 'string' || typeof name !== 'string')
          fail(`STACK_GLOBAL at byte ${at - 1} needs two strings`);
        stack.push(policy.global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop('REDUCE');
        if (!isTuple(args)) fail(`REDUCE at byte ${at - 1} has ${describe(args)} as arguments, not a tuple`);
        stack.push(policy.reduce(pop('REDUCE'), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop('BUILD');
        policy.build(top('BUILD'), state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(policy.persistentLoad(pop('BINPERSID')));
        break;
      case 0x61: {
        // APPEND
        const item = pop('APPEND');
        list('APPEND').push(item);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark('APPENDS');
        const target = list('APPENDS');
        // One push per item: spreading a million-item list would overflow the call stack.
        for (const item of items) target.push(item);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop('SETITEM');
        const key = pop('SETITEM');
        setItem(top('SETITEM'), key, value, 'SETITEM');
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark('SETITEMS');
        if (items.length % 2 !== 0) fail(`SETITEMS at byte ${at - 1} has an odd number of items`);
        const target = top('SETITEMS');
        for (let i = 0; i < items.length; i += 2) setItem(target, items[i], items[i + 1], 'SETITEMS');
        break;
      }
      case 0x74: {
        // TUPLE (popMark replaces `stack`, so pop before reading it)
        const items = Object.freeze(popMark('TUPLE'));
        stack.push(items);
        break;
      }
      case 0x85:
      case 0x86:
      case 0x87: {
        // TUPLE1..3
        const n = opcode - 0x84;
        if (stack.length < n)
          fail(`TUPLE${n} at byte ${at - 1} needs ${n} values, the stack has ${stack.length}`);
        stack.push(Object.freeze(stack.splice(stack.length - n, n)));
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(need(4, 'BININT'), true));
        break;
      case 0x4b: // BININT1
        stack.push(bytes[need(1, 'BININT1')]!);
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(need(2, 'BININT2'), true));
        break;
      case 0x8a: {
        // LONG1
        const n = bytes[need(1, 'LONG1')]!;
        const start = need(n, 'LONG1');
        stack.push(decodeLong(bytes.subarray(start, start + n)));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8, 'BINFLOAT'), false));
        break;
      case 0x58: {
        // BINUNICODE
        const n = view.getUint32(need(4, 'BINUNICODE'), true);
        stack.push(text(need(n, 'BINUNICODE'), n, 'BINUNICODE'));
        break;
      }
      case 0x8c: {
        // SHORT_BINUNICODE
        const n = bytes[need(1, 'SHORT_BINUNICODE')]!;
        stack.push(text(need(n, 'SHORT_BINUNICODE'), n, 'SHORT_BINUNICODE'));
        break;
      }
      case 0x68: // BINGET
        stack.push(memoGet(bytes[need(1, 'BINGET')]!));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(view.getUint32(need(4, 'LONG_BINGET'), true)));
        break;
      case 0x71: // BINPUT
        memoPut(bytes[need(1, 'BINPUT')]!);
        break;
      case 0x72: // LONG_BINPUT
        memoPut(view.getUint32(need(4, 'LONG_BINPUT'), true));
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size);
        break;
      default:
        fail(
          `opcode 0x${opcode.toString(16).padStart(2, '0')}${opcode in REFUSED ? ` ${REFUSED[opcode]}` : ''} at byte ${at - 1} ` +
            'is not one torch.save writes; only checkpoints of tensors, dicts, lists, tuples, numbers and strings are read',
        );
    }
  }
}

/** A short description of an unpickled value, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'None';
  if (value instanceof Map) return 'a dict';
  if (isTuple(value)) return 'a tuple';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}

export { isTuple };
