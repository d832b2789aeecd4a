import { type Token, tokenize } from './tokenize';

/**
 * An eval-free `new Function`: compiles the small JS subset the CPU kernels generate (numeric expressions,
 * array literals, `let`/`const`, assignments, `if`, `for`, `while`, `return`, `break`, `continue`, calls,
 * `new`, member access and function expressions) into a tree of closures, so the SAME generated source runs where a
 * Content-Security-Policy forbids code generation from strings. It evaluates exactly the operations the
 * source spells, in JS's order, so results are bit-identical to the `new Function` build; it only runs
 * slower (every node is a call). Names resolve at compile time to frame slots; a name that is neither
 * declared, a parameter, nor one of a few globals is a compile error.
 */

// biome-ignore lint/suspicious/noExplicitAny: values are whatever the generated JS computes
type Value = any;
/** A function's locals: [0] the enclosing function's frame, [1] the return value, then the slots. */
type Frame = Value[];
type Expr = (f: Frame) => Value;
/** A statement returns how it completed. */
type Stmt = (f: Frame) => number;
const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;

/** The globals generated code may name (looked up once, when compiling). */
const GLOBALS: Record<string, unknown> = {
  Math,
  NaN,
  Infinity,
  undefined,
  Array,
  Int32Array,
  Uint8Array,
  Float32Array,
  Float64Array,
};

const LITERALS: Record<string, unknown> = { true: true, false: false, null: null, undefined };

/** Binary operators by precedence (higher binds tighter). */
const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '===': 6,
  '!==': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '>>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

const ASSIGNMENTS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '>>>=', '&=', '|=', '^=']);

/**
 * The slot each local-variable read (of the function's own frame) reads. Hot shapes with such operands
 * (`x0 * x1`, `in0[o0 + i]`, `j < len`) compile to one closure reading the frame directly instead of a
 * call per operand: the closure tree's calls are what the eval-free path pays for.
 */
const localSlots = new WeakMap<Expr, number>();

/** Fused closures for the arithmetic and comparisons in every loop, by which operands are locals. */
function fusedBinary(op: string, a: Expr, b: Expr): Expr | undefined {
  const sa = localSlots.get(a);
  const sb = localSlots.get(b);
  if (sa !== undefined && sb !== undefined) {
    if (op === '+') return (f) => f[sa] + f[sb];
    if (op === '-') return (f) => f[sa] - f[sb];
    if (op === '*') return (f) => f[sa] * f[sb];
    if (op === '<') return (f) => f[sa] < f[sb];
  } else if (sa !== undefined) {
    if (op === '+') return (f) => f[sa] + b(f);
    if (op === '-') return (f) => f[sa] - b(f);
    if (op === '*') return (f) => f[sa] * b(f);
  } else if (sb !== undefined) {
    if (op === '+') return (f) => a(f) + f[sb];
    if (op === '-') return (f) => a(f) - f[sb];
    if (op === '*') return (f) => a(f) * f[sb];
  }
  return undefined;
}

/** One closure per operator, so no per-node operator dispatch at run time. */
function binary(op: string, a: Expr, b: Expr): Expr {
  const fused = fusedBinary(op, a, b);
  if (fused) return fused;
  switch (op) {
    case '+':
      return (f) => a(f) + b(f);
    case '-':
      return (f) => a(f) - b(f);
    case '*':
      return (f) => a(f) * b(f);
    case '/':
      return (f) => a(f) / b(f);
    case '%':
      return (f) => a(f) % b(f);
    case '<':
      return (f) => a(f) < b(f);
    case '>':
      return (f) => a(f) > b(f);
    case '<=':
      return (f) => a(f) <= b(f);
    case '>=':
      return (f) => a(f) >= b(f);
    case '===':
      return (f) => a(f) === b(f);
    case '!==':
      return (f) => a(f) !== b(f);
    case '==':
      // biome-ignore lint/suspicious/noDoubleEquals: the generated source's own operator
      return (f) => a(f) == b(f);
    case '!=':
      // biome-ignore lint/suspicious/noDoubleEquals: the generated source's own operator
      return (f) => a(f) != b(f);
    case '&&':
      return (f) => a(f) && b(f);
    case '||':
      return (f) => a(f) || b(f);
    case '&':
      return (f) => a(f) & b(f);
    case '|':
      return (f) => a(f) | b(f);
    case '^':
      return (f) => a(f) ^ b(f);
    case '<<':
      return (f) => a(f) << b(f);
    case '>>':
      return (f) => a(f) >> b(f);
    case '>>>':
      return (f) => a(f) >>> b(f);
    default:
      throw new SyntaxError(`eval-free compiler: unsupported operator ${op}`);
  }
}

function call(callee: Expr, args: readonly Expr[]): Expr {
  const [a, b, c] = args;
  switch (args.length) {
    case 0:
      return (f) => callee(f)();
    case 1:
      return (f) => callee(f)(a!(f));
    case 2:
      return (f) => callee(f)(a!(f), b!(f));
    case 3:
      return (f) => callee(f)(a!(f), b!(f), c!(f));
    default:
      return (f) => callee(f)(...args.map((arg) => arg(f)));
  }
}

/** A method call keeps `this` (as `o.m(...)` does); the object is evaluated once. */
function methodCall(object: Expr, key: Expr, args: readonly Expr[]): Expr {
  return (f) => {
    const o = object(f);
    return o[key(f)](...args.map((arg) => arg(f)));
  };
}

interface Binding {
  readonly slot: number;
  readonly constant: boolean;
}

class FunctionScope {
  /** Slots 0 and 1 are the outer frame and the return value. */
  size = 2;
  readonly blocks: Map<string, Binding>[] = [new Map()];
  constructor(readonly parent: FunctionScope | undefined) {}

  declare(name: string, constant: boolean): Binding {
    const binding = { slot: this.size++, constant };
    this.blocks[this.blocks.length - 1]!.set(name, binding);
    return binding;
  }
}

/** What an assignment or update may target. */
type Ref =
  | { readonly kind: 'var'; readonly name: string; readonly depth: number; readonly binding: Binding }
  | { readonly kind: 'member'; readonly object: Expr; readonly key: Expr };

interface Node {
  readonly ev: Expr;
  readonly ref?: Ref;
}

function frameAt(f: Frame, depth: number): Frame {
  for (let d = 0; d < depth; d++) f = f[0] as Frame;
  return f;
}

function readVar(depth: number, slot: number): Expr {
  if (depth === 0) {
    const read: Expr = (f) => f[slot];
    localSlots.set(read, slot);
    return read;
  }
  if (depth === 1) return (f) => (f[0] as Frame)[slot];
  return (f) => frameAt(f, depth)[slot];
}

/** `object[key]`, fused when the object (and the key) are locals: `in0[o0 + i]`, `shape[d]`. */
function memberRead(object: Expr, key: Expr): Expr {
  const so = localSlots.get(object);
  const sk = localSlots.get(key);
  if (so !== undefined && sk !== undefined) return (f) => (f[so] as Value)[f[sk] as number];
  if (so !== undefined) return (f) => (f[so] as Value)[key(f)];
  return (f) => object(f)[key(f)];
}

function writeVar(depth: number, slot: number, value: Expr): Expr {
  if (depth === 0) return (f) => (f[slot] = value(f));
  return (f) => (frameAt(f, depth)[slot] = value(f));
}

/**
 * Statements that only evaluate expressions (declarations, assignments, calls) always complete normally:
 * the expressions they run, so runs of them become one closure calling each in turn, and loops over
 * them skip the completion checks.
 */
const effectsOf = new WeakMap<Stmt, Expr>();

/** One expression run for its effect, as a statement. */
function effectStatement(effect: Expr): Stmt {
  const stmt: Stmt = (f) => {
    effect(f);
    return NORMAL;
  };
  effectsOf.set(stmt, effect);
  return stmt;
}

/** `;` or `{}`. */
const EMPTY = effectStatement(() => undefined);

/** Several effects in order, as one closure. */
function sequence(effects: readonly Expr[]): Expr {
  const [a, b, c, d] = effects;
  switch (effects.length) {
    case 1:
      return a!;
    case 2:
      return (f) => {
        a!(f);
        b!(f);
      };
    case 3:
      return (f) => {
        a!(f);
        b!(f);
        c!(f);
      };
    case 4:
      return (f) => {
        a!(f);
        b!(f);
        c!(f);
        d!(f);
      };
    default:
      return (f) => {
        for (let i = 0; i < effects.length; i++) effects[i]!(f);
      };
  }
}

class Compiler {
  private position = 0;
  private scope: FunctionScope;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: string,
  ) {
    this.scope = new FunctionScope(undefined);
  }

  // ---- tokens

  private get token(): Token {
    return this.tokens[this.position]!;
  }

  private is(text: string): boolean {
    const t = this.token;
    return t.text === text && t.kind !== 'end';
  }

  private next(): Token {
    return this.tokens[this.position++]!;
  }

  private fail(message: string): never {
    const at = this.token.at;
    throw new SyntaxError(
      `eval-free compiler: ${message} at ${at} ("${this.source.slice(Math.max(0, at - 30), at + 30)}")`,
    );
  }

  private expect(text: string): void {
    if (!this.is(text)) this.fail(`expected '${text}', found '${this.token.text || 'end'}'`);
    this.position++;
  }

  private name(): string {
    if (this.token.kind !== 'name') this.fail(`expected a name, found '${this.token.text || 'end'}'`);
    return this.next().text;
  }

  /** `;`, or a place where JS inserts one (before `}`, at the end, after a line break). */
  private semicolon(): void {
    if (this.is(';')) this.position++;
    else if (!this.is('}') && this.token.kind !== 'end' && !this.token.newline)
      this.fail(`expected ';', found '${this.token.text}'`);
  }

  // ---- names

  private resolve(name: string): Ref | undefined {
    let depth = 0;
    for (let scope: FunctionScope | undefined = this.scope; scope; scope = scope.parent, depth++) {
      for (let b = scope.blocks.length - 1; b >= 0; b--) {
        const binding = scope.blocks[b]!.get(name);
        if (binding) return { kind: 'var', name, depth, binding };
      }
    }
    return undefined;
  }

  private inBlock<T>(body: () => T): T {
    this.scope.blocks.push(new Map());
    try {
      return body();
    } finally {
      this.scope.blocks.pop();
    }
  }

  // ---- functions

  /** Compiles a function body with `params`; the result makes the callable from the enclosing frame. */
  private functionBody(params: readonly string[], body: () => Stmt): (outer: Frame | undefined) => Value {
    const scope = new FunctionScope(this.scope);
    this.scope = scope;
    for (const p of params) scope.declare(p, false);
    const run = body();
    this.scope = scope.parent!;
    const count = params.length;
    return (outer) =>
      (...args: unknown[]) => {
        const frame: Frame = [outer, undefined];
        for (let i = 0; i < count; i++) frame.push(args[i]);
        for (let i = frame.length; i < scope.size; i++) frame.push(undefined);
        run(frame);
        return frame[1];
      };
  }

  /** The whole source as the body of a top-level function taking `params`. */
  program(params: readonly string[]): (...args: unknown[]) => unknown {
    const make = this.functionBody(params, () => {
      const body = this.statements();
      if (this.token.kind !== 'end') this.fail(`unexpected '${this.token.text}'`);
      return body;
    });
    return make(undefined);
  }

  // ---- statements

  private statements(): Stmt {
    const list: Stmt[] = [];
    let effects: Expr[] = [];
    const flush = () => {
      if (effects.length > 0) list.push(effectStatement(sequence(effects)));
      effects = [];
    };
    while (!this.is('}') && this.token.kind !== 'end') {
      const s = this.statement();
      if (!s) continue;
      const effect = effectsOf.get(s);
      if (effect) {
        effects.push(effect);
      } else {
        flush();
        list.push(s);
      }
    }
    flush();
    if (list.length === 0) return EMPTY;
    if (list.length === 1) return list[0]!;
    return (f) => {
      for (let i = 0; i < list.length; i++) {
        const done = list[i]!(f);
        if (done !== NORMAL) return done;
      }
      return NORMAL;
    };
  }

  private statement(): Stmt | undefined {
    const t = this.token;
    if (t.kind === 'punct' && t.text === ';') {
      this.position++;
      return undefined;
    }
    if (t.kind === 'punct' && t.text === '{') {
      this.position++;
      const body = this.inBlock(() => this.statements());
      this.expect('}');
      return body;
    }
    if (t.kind === 'name') {
      switch (t.text) {
        case 'let':
        case 'const':
        case 'var': {
          const declare = this.declarations();
          this.semicolon();
          return declare;
        }
        case 'if':
          return this.ifStatement();
        case 'for':
          return this.forStatement();
        case 'while':
          return this.whileStatement();
        case 'return': {
          this.position++;
          const value = this.is(';') || this.is('}') || this.token.newline ? undefined : this.expression();
          this.semicolon();
          return value
            ? (f) => {
                f[1] = value(f);
                return RETURN;
              }
            : () => RETURN;
        }
        case 'break':
          this.position++;
          this.semicolon();
          return () => BREAK;
        case 'continue':
          this.position++;
          this.semicolon();
          return () => CONTINUE;
      }
    }
    const value = this.expression();
    this.semicolon();
    return effectStatement(value);
  }

  private declarations(): Stmt {
    const constant = this.next().text === 'const';
    const inits: Expr[] = [];
    for (;;) {
      const name = this.name();
      let init: Expr = () => undefined;
      if (this.is('=')) {
        this.position++;
        init = this.assignment().ev;
      }
      // Declared after its initializer is compiled, so the initializer sees the outer binding.
      const { slot } = this.scope.declare(name, constant);
      inits.push(writeVar(0, slot, init));
      if (!this.is(',')) break;
      this.position++;
    }
    return effectStatement(sequence(inits));
  }

  private ifStatement(): Stmt {
    this.position++;
    this.expect('(');
    const test = this.expression();
    this.expect(')');
    const then = this.statement() ?? EMPTY;
    let otherwise = EMPTY;
    if (this.is('else')) {
      this.position++;
      otherwise = this.statement() ?? EMPTY;
    }
    const a = effectsOf.get(then);
    const b = effectsOf.get(otherwise);
    if (a && b) return effectStatement((f) => (test(f) ? a(f) : b(f)));
    return (f) => (test(f) ? then(f) : otherwise(f));
  }

  private loop(test: Expr | undefined, update: Expr | undefined, body: Stmt): Stmt {
    const effect = effectsOf.get(body);
    // The common loop: a test, an update, and a body that cannot break, continue or return.
    if (effect && test && update)
      return (f) => {
        for (; test(f); update(f)) effect(f);
        return NORMAL;
      };
    return (f) => {
      for (; test === undefined || test(f); update?.(f)) {
        const done = body(f);
        if (done === BREAK) break;
        if (done === RETURN) return RETURN;
      }
      return NORMAL;
    };
  }

  private forStatement(): Stmt {
    this.position++;
    this.expect('(');
    return this.inBlock(() => {
      const init = this.is(';')
        ? undefined
        : this.is('let') || this.is('const') || this.is('var')
          ? this.declarations()
          : this.expressionStatement();
      this.expect(';');
      const test = this.is(';') ? undefined : this.expression();
      this.expect(';');
      const update = this.is(')') ? undefined : this.expression();
      this.expect(')');
      const loop = this.loop(test, update, this.statement() ?? EMPTY);
      return init
        ? (f) => {
            init(f);
            return loop(f);
          }
        : loop;
    });
  }

  private whileStatement(): Stmt {
    this.position++;
    this.expect('(');
    const test = this.expression();
    this.expect(')');
    return this.loop(test, undefined, this.statement() ?? EMPTY);
  }

  private expressionStatement(): Stmt {
    return effectStatement(this.expression());
  }

  // ---- expressions

  private expression(): Expr {
    const first = this.assignment().ev;
    if (!this.is(',')) return first;
    const rest: Expr[] = [first];
    while (this.is(',')) {
      this.position++;
      rest.push(this.assignment().ev);
    }
    // The comma's value is its last operand's; the others only run (a for loop's `j++, k++`).
    const last = rest.pop()!;
    const before = sequence(rest);
    return (f) => {
      before(f);
      return last(f);
    };
  }

  private assignment(): Node {
    const target = this.conditional();
    if (this.token.kind !== 'punct' || !ASSIGNMENTS.has(this.token.text)) return target;
    const op = this.next().text;
    const value = this.assignment().ev;
    const ref = this.assignable(target, op);
    const combine = (current: Expr) => (op === '=' ? value : binary(op.slice(0, -1), current, value));
    if (ref.kind === 'var') {
      const { depth, binding } = ref;
      const slot = binding.slot;
      // `acc += v`, `q += stride`: a local updated by a local, in one closure.
      const sv = localSlots.get(value);
      if (depth === 0 && sv !== undefined && op === '+=') return { ev: (f) => (f[slot] += f[sv]) };
      if (depth === 0 && sv !== undefined && op === '-=') return { ev: (f) => (f[slot] -= f[sv]) };
      return { ev: writeVar(depth, slot, combine(readVar(depth, slot))) };
    }
    const { object, key } = ref;
    if (op === '=') {
      const so = localSlots.get(object);
      if (so !== undefined) return { ev: (f) => ((f[so] as Value)[key(f)] = value(f)) };
      return { ev: (f) => (object(f)[key(f)] = value(f)) };
    }
    // The target's object and key are evaluated once, before the right-hand side (as JS does).
    let o: Value;
    let k: Value;
    const combined = combine(() => o[k]);
    return {
      ev: (f) => {
        const target = object(f);
        const at = key(f);
        o = target;
        k = at;
        return (target[at] = combined(f));
      },
    };
  }

  private assignable(node: Node, op: string): Ref {
    const ref = node.ref;
    if (!ref) this.fail(`invalid target for ${op}`);
    if (ref.kind === 'var' && ref.binding.constant) this.fail(`assignment to constant ${ref.name}`);
    return ref;
  }

  private conditional(): Node {
    const test = this.binaryExpression(1);
    if (!this.is('?')) return test;
    this.position++;
    const then = this.assignment().ev;
    this.expect(':');
    const otherwise = this.assignment().ev;
    const t = test.ev;
    return { ev: (f) => (t(f) ? then(f) : otherwise(f)) };
  }

  private binaryExpression(min: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.token;
      const precedence = t.kind === 'punct' ? PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < min) return left;
      this.position++;
      const right = this.binaryExpression(precedence + 1);
      left = { ev: binary(t.text, left.ev, right.ev) };
    }
  }

  private unary(): Node {
    const t = this.token;
    if (t.kind === 'punct' && (t.text === '++' || t.text === '--')) {
      this.position++;
      return { ev: this.update(this.assignable(this.unary(), t.text), t.text === '++' ? 1 : -1, true) };
    }
    if (t.kind === 'punct' && (t.text === '-' || t.text === '+' || t.text === '!' || t.text === '~')) {
      this.position++;
      const a = this.unary().ev;
      if (t.text === '-') return { ev: (f) => -a(f) };
      if (t.text === '+') return { ev: (f) => +a(f) };
      if (t.text === '!') return { ev: (f) => !a(f) };
      return { ev: (f) => ~a(f) };
    }
    if (t.kind === 'name' && t.text === 'typeof') {
      this.position++;
      const a = this.unary().ev;
      return { ev: (f) => typeof a(f) };
    }
    const operand = this.postfix();
    const u = this.token;
    if (u.kind === 'punct' && (u.text === '++' || u.text === '--') && !u.newline) {
      this.position++;
      return { ev: this.update(this.assignable(operand, u.text), u.text === '++' ? 1 : -1, false) };
    }
    return operand;
  }

  /** `++x`, `x--`, ... : the value converted to a number, stepped, stored; prefix gives the new value. */
  private update(ref: Ref, step: number, prefix: boolean): Expr {
    if (ref.kind === 'var') {
      const { slot } = ref.binding;
      const depth = ref.depth;
      // The loop counters: JS's own ++/-- on the frame slot (number conversion, step, result) are exact.
      if (depth === 0 && step === 1) return prefix ? (f) => ++f[slot] : (f) => f[slot]++;
      if (depth === 0) return prefix ? (f) => --f[slot] : (f) => f[slot]--;
      return (f) => {
        const frame = depth === 0 ? f : frameAt(f, depth);
        const old = +(frame[slot] as number);
        frame[slot] = old + step;
        return prefix ? old + step : old;
      };
    }
    const { object, key } = ref;
    return (f) => {
      const o = object(f);
      const k = key(f);
      const old = +o[k];
      o[k] = old + step;
      return prefix ? old + step : old;
    };
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.is('.')) {
        this.position++;
        const name = this.name();
        const object = node.ev;
        // Members of a global (Math.exp) are read once, at compile time.
        const constant = (object as { constant?: unknown }).constant;
        node =
          constant !== undefined
            ? { ev: this.constant((constant as Record<string, unknown>)[name]) }
            : { ev: (f) => object(f)[name], ref: { kind: 'member', object, key: () => name } };
      } else if (this.is('[')) {
        this.position++;
        const key = this.expression();
        this.expect(']');
        const object = node.ev;
        node = { ev: memberRead(object, key), ref: { kind: 'member', object, key } };
      } else if (this.is('(')) {
        const args = this.arguments();
        const ref = node.ref;
        node = { ev: ref?.kind === 'member' ? methodCall(ref.object, ref.key, args) : call(node.ev, args) };
      } else {
        return node;
      }
    }
  }

  private arguments(): Expr[] {
    this.expect('(');
    const args: Expr[] = [];
    while (!this.is(')')) {
      args.push(this.assignment().ev);
      if (!this.is(')')) this.expect(',');
    }
    this.position++;
    return args;
  }

  /** A compile-time value; remembered on the closure so member reads of globals fold too. */
  private constant(value: unknown): Expr {
    const ev: Expr = () => value;
    if (value !== null && (typeof value === 'object' || typeof value === 'function'))
      (ev as { constant?: unknown }).constant = value;
    return ev;
  }

  private primary(): Node {
    const t = this.next();
    if (t.kind === 'number') return { ev: this.constant(Number(t.text)) };
    if (t.kind === 'punct' && t.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return { ev: inner };
    }
    if (t.kind === 'punct' && t.text === '[') {
      const items: Expr[] = [];
      while (!this.is(']')) {
        items.push(this.assignment().ev);
        if (!this.is(']')) this.expect(',');
      }
      this.position++;
      return { ev: (f) => items.map((item) => item(f)) };
    }
    if (t.kind !== 'name') {
      this.position--;
      this.fail(`unexpected '${t.text || 'end'}'`);
    }
    if (t.text in LITERALS) return { ev: this.constant(LITERALS[t.text]) };
    if (t.text === 'function') return { ev: this.functionExpression() };
    if (t.text === 'new') {
      const callee = this.primary().ev;
      const args = this.is('(') ? this.arguments() : [];
      return { ev: (f) => new (callee(f))(...args.map((arg) => arg(f))) };
    }
    const ref = this.resolve(t.text);
    if (ref?.kind === 'var') return { ev: readVar(ref.depth, ref.binding.slot), ref };
    if (Object.hasOwn(GLOBALS, t.text)) return { ev: this.constant(GLOBALS[t.text]) };
    this.position--;
    return this.fail(`unknown name ${t.text}`);
  }

  private functionExpression(): Expr {
    if (this.token.kind === 'name') this.position++; // the name is only for stack traces
    this.expect('(');
    const params: string[] = [];
    while (!this.is(')')) {
      params.push(this.name());
      if (!this.is(')')) this.expect(',');
    }
    this.position++;
    this.expect('{');
    const make = this.functionBody(params, () => this.statements());
    this.expect('}');
    return (f) => make(f);
  }
}

/**
 * Compiles `body` with parameters `params` into a function, as `new Function(...params, body)` does,
 * without generating code from strings.
 */
export function closureFunction(params: readonly string[], body: string): (...args: unknown[]) => unknown {
  return new Compiler(tokenize(body), body).program(params);
}
