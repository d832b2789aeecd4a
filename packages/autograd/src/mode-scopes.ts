import { NNError } from '@nn/tensor';

/** The recording mode: PyTorch's thread-local grad/inference flags. */
export interface GradState {
  enabled: boolean;
  inference: boolean;
}

/**
 * Where the current mode lives. `current()` is the mode of the running code; `run` runs `fn` (and, for an
 * async `fn`, everything it awaits) with `next` as its mode, and the caller's mode is the same afterwards.
 */
export interface ModeScopes {
  current(): GradState;
  run<T>(op: string, next: GradState, fn: () => T): T;
}

/** The slice of node:async_hooks' AsyncLocalStorage used here. */
interface AsyncLocalStorageLike<S> {
  getStore(): S | undefined;
  run<T>(store: S, fn: () => T): T;
}
export type AsyncLocalStorageClass = new <S>() => AsyncLocalStorageLike<S>;

/**
 * Node's AsyncLocalStorage, found without a static `node:` import so that browser bundles never see one
 * (`process.getBuiltinModule`, Node >= 20.16, Deno and Bun). `undefined` where there is none.
 */
export function findAsyncLocalStorage(): AsyncLocalStorageClass | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = proc?.getBuiltinModule?.('node:async_hooks') as
    | { AsyncLocalStorage?: AsyncLocalStorageClass }
    | undefined;
  return hooks?.AsyncLocalStorage;
}

/**
 * Per-async-context modes (Node): each scope gets its own state object, so a callback keeps its mode across
 * `await` and overlapping scopes cannot see or undo each other's mode.
 */
function contextScopes(Storage: AsyncLocalStorageClass): ModeScopes {
  const root: GradState = { enabled: true, inference: false };
  const storage = new Storage<GradState>();
  return {
    current: () => storage.getStore() ?? root,
    run: (_op, next, fn) => storage.run(next, fn),
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * One global mode with save/restore (no async context, e.g. browsers). Async scopes must settle in the
 * reverse order they started; one that settles while a later one is still pending overlapped it (its code
 * may have run in the other's mode), so it is rejected, and the saved modes are handed down so that the
 * mode is right again once every scope has settled.
 */
function stackScopes(): ModeScopes {
  const state: GradState = { enabled: true, inference: false };
  const pending: { op: string; saved: GradState }[] = [];
  const settle = (scope: { op: string; saved: GradState }): NNError | undefined => {
    const at = pending.indexOf(scope);
    pending.splice(at, 1);
    if (at === pending.length) {
      Object.assign(state, scope.saved);
      return undefined;
    }
    const later = pending[at]!;
    later.saved = scope.saved;
    return new NNError(
      scope.op,
      `an async ${scope.op} scope settled while a later async ${later.op} scope was still running, so ` +
        'their grad modes overlapped. Without AsyncLocalStorage (browsers) grad-mode scopes cannot keep a ' +
        'mode per async task: await each async scope before starting the next, or run the concurrent work ' +
        'inside one scope',
    );
  };
  return {
    current: () => state,
    run<T>(op: string, next: GradState, fn: () => T): T {
      // Registered before `fn` runs so that `pending` is in start order, nested scopes after their parent.
      const scope = { op, saved: { ...state } };
      pending.push(scope);
      Object.assign(state, next);
      let result: T;
      try {
        result = fn();
      } catch (error) {
        settle(scope);
        throw error;
      }
      if (!isPromiseLike(result)) {
        // A sync scope that leaves an async scope it started still running overlaps it too.
        const overlap = settle(scope);
        if (overlap) throw overlap;
        return result;
      }
      return Promise.resolve(result).then(
        (value) => {
          const overlap = settle(scope);
          if (overlap) throw overlap;
          return value;
        },
        (error: unknown) => {
          settle(scope);
          throw error;
        },
      ) as T;
    },
  };
}

/** AsyncLocalStorage-backed scopes where the runtime has it, the overlap-checking stack elsewhere. */
export function createModeScopes(Storage: AsyncLocalStorageClass | undefined): ModeScopes {
  return Storage ? contextScopes(Storage) : stackScopes();
}
