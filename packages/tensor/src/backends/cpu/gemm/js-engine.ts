import { COMMAND_SIZE, type GemmEngine, runCommands, type Tiles } from './engine';
import { JS_MR, JS_NR, jsTiles } from './js-kernel';
import type { FloatArray } from './types';

/** The pure-JS engine (no WebAssembly): scratch is a plain typed array kept between calls and grown on demand. */
export function createJsEngine(Ctor: Float32ArrayConstructor | Float64ArrayConstructor): GemmEngine {
  let scratch: FloatArray = new Ctor(0);
  let commands = new Int32Array(0);
  const tiles: Tiles = (...args) => jsTiles(scratch, ...args);
  return {
    mr: JS_MR,
    nr: JS_NR,
    indirect: false,
    winograd: false,
    reserve(elements, calls) {
      if (scratch.length < elements) scratch = new Ctor(elements);
      if (commands.length < calls * COMMAND_SIZE) commands = new Int32Array(calls * COMMAND_SIZE);
      return { view: scratch, base: 0, commands };
    },
    execute({ steps, unitBounds }) {
      for (const step of steps) step();
      runCommands(tiles, commands, 0, unitBounds[unitBounds.length - 1] ?? 0);
    },
    threadsFor: () => 1,
  };
}
