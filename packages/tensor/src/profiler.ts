import { addDispatchObserver, type DispatchObserver } from './kernel/registry';
import { checkOptions, type OptionKeys } from './options';

const TABLE_KEYS: OptionKeys<{ rowLimit?: number }> = { rowLimit: true };

/** What {@link profile} measured of one op. */
export interface OpProfile {
  /** The op's name (`matmul`, `add`, ...). */
  readonly op: string;
  /** How many times it ran. */
  readonly count: number;
  /** Milliseconds from its start to its end, summed over calls (ops it dispatched inside included). */
  readonly totalMs: number;
  /** {@link OpProfile.totalMs} less the time of the ops it dispatched inside (composites' parts). */
  readonly selfMs: number;
  /** The devices it ran for. */
  readonly devices: readonly string[];
}

/** The result of {@link profile}: `fn`'s own result and the per-op figures, slowest (self time) first. */
export interface Profile<T> {
  /** What `fn` returned (awaited, for an async `fn`). */
  readonly result: T;
  /** One row per op, by self time, descending. */
  readonly ops: readonly OpProfile[];
  /** Wall-clock milliseconds of the whole `fn`. */
  readonly totalMs: number;
  /** The rows as a text table, like torch.profiler's `key_averages().table()`. */
  table(options?: { rowLimit?: number }): string;
}

interface Frame {
  op: string;
  start: number;
  childMs: number;
}

interface Row {
  count: number;
  totalMs: number;
  selfMs: number;
  devices: Set<string>;
}

const now = (): number => globalThis.performance.now();

/** An observer that times every op the dispatcher runs outside other kernels. */
function opTimer(rows: Map<string, Row>): DispatchObserver {
  const stack: Frame[] = [];
  const end = (op: string, device: string | undefined): void => {
    const frame = stack.pop();
    if (!frame) return;
    const elapsed = now() - frame.start;
    const parent = stack[stack.length - 1];
    if (parent) parent.childMs += elapsed;
    let row = rows.get(op);
    if (!row) rows.set(op, (row = { count: 0, totalMs: 0, selfMs: 0, devices: new Set() }));
    row.count++;
    row.totalMs += elapsed;
    row.selfMs += elapsed - frame.childMs;
    if (device !== undefined) row.devices.add(device);
  };
  return {
    enter: (op) => {
      stack.push({ op, start: now(), childMs: 0 });
    },
    exit: (event) => end(event.op, event.device),
    abort: (op) => end(op, undefined),
  };
}

function format(ops: readonly OpProfile[], totalMs: number, rowLimit: number): string {
  const header = ['Name', 'Calls', 'Self ms', 'Self %', 'Total ms', 'Device'];
  const selfSum = ops.reduce((n, o) => n + o.selfMs, 0) || 1;
  const body = ops
    .slice(0, rowLimit)
    .map((o) => [
      o.op,
      String(o.count),
      o.selfMs.toFixed(3),
      `${((100 * o.selfMs) / selfSum).toFixed(1)}%`,
      o.totalMs.toFixed(3),
      o.devices.join(','),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [rule, line(header), rule, ...body.map(line), rule, `Wall time: ${totalMs.toFixed(3)} ms`].join(
    '\n',
  );
}

function finish<T>(result: T, rows: Map<string, Row>, totalMs: number): Profile<T> {
  const ops = [...rows]
    .map(([op, r]) => ({ op, count: r.count, totalMs: r.totalMs, selfMs: r.selfMs, devices: [...r.devices] }))
    .sort((a, b) => b.selfMs - a.selfMs || a.op.localeCompare(b.op));
  const table = (options: { rowLimit?: number } = {}) => {
    checkOptions('Profile.table', options, TABLE_KEYS);
    return format(ops, totalMs, options.rowLimit ?? 30);
  };
  return { result, ops, totalMs, table };
}

/**
 * Runs `fn` and reports, per op, how often it ran and how long it took (total and self time), as
 * `torch.profiler` does. Ops are counted where the user's code and composite ops call them; the work inside
 * a kernel counts as that kernel's self time. An async `fn` is awaited (ops other async work runs meanwhile
 * are counted too). On devices that queue work (WebGPU), times are those of the launches.
 *
 * @example
 * const { result, ops } = profile(() => model.forward(x));
 * console.log(profile(() => loss.backward()).table());
 */
export function profile<T>(fn: () => Promise<T>): Promise<Profile<T>>;
export function profile<T>(fn: () => T): Profile<T>;
export function profile<T>(fn: () => T | Promise<T>): Profile<T> | Promise<Profile<T>> {
  const rows = new Map<string, Row>();
  const remove = addDispatchObserver(opTimer(rows));
  const start = now();
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (error) {
    remove();
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        remove();
        return finish(value, rows, now() - start);
      },
      (error: unknown) => {
        remove();
        throw error;
      },
    );
  }
  remove();
  return finish(result, rows, now() - start);
}
