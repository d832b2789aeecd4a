import { NNError } from '@nn/tensor';
import type { Module } from './module';

/** The modules whose `call` is running, outermost first. */
const running: Module[] = [];
/** For an error thrown inside modules: the modules running where it was thrown (innermost last). */
const thrownIn = new WeakMap<object, Module[]>();

/** `child`'s attribute path below `parent` (`'classifier.2'`), or its class name if it is not below it. */
function pathBelow(parent: Module, child: Module): string {
  for (const [name, module] of parent.namedModules()) if (module === child && name !== '') return name;
  return child.constructor.name;
}

/** `classifier.2: Linear(in_features=64, ...)`: where an error was thrown, from the outermost module. */
function describe(modules: readonly Module[]): string {
  const names: string[] = [];
  for (let i = 1; i < modules.length; i++) names.push(pathBelow(modules[i - 1]!, modules[i]!));
  const inner = modules[modules.length - 1]!;
  const extra = inner.extraRepr();
  const label = `${inner.constructor.name}(${extra.includes('\n') ? '' : extra})`;
  return names.length === 0 ? label : `${names.join('.')}: ${label}`;
}

/**
 * Runs `module`'s forward (`fn`) as one frame of the module call stack. An @nn error thrown inside gets the
 * path of the module it came from appended once, by the outermost frame:
 * `matmul: inner dimensions differ: ... (in classifier.2: Linear(in_features=64, out_features=10, bias=True))`.
 */
export function inModuleFrame<T>(module: Module, fn: () => T): T {
  running.push(module);
  try {
    return fn();
  } catch (error) {
    if (error instanceof NNError) {
      if (!thrownIn.has(error)) thrownIn.set(error, [...running]);
      // Only the outermost frame sees the whole path, from the module the user called.
      if (running.length === 1) error.message += ` (in ${describe(thrownIn.get(error)!)})`;
    }
    throw error;
  } finally {
    running.pop();
  }
}
