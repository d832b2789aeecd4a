import { noGrad } from '@nn/autograd';
import { addDispatchObserver, checkOptions, Tensor, ValueError } from '@nn/tensor';
import {
  ELU,
  GELU,
  Hardtanh,
  LeakyReLU,
  LogSoftmax,
  Mish,
  PReLU,
  ReLU,
  SELU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Tanh,
} from '../layers/activation';
import { Conv1d, Conv2d, ConvTranspose2d } from '../layers/conv';
import { Dropout, Dropout2d } from '../layers/dropout';
import { Embedding } from '../layers/embedding';
import { Flatten, Unflatten } from '../layers/flatten';
import { Bilinear, Identity, Linear } from '../layers/linear';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from '../layers/loss';
import { BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm } from '../layers/normalization';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../layers/pooling';
import { ModuleDict, ModuleList, Sequential } from '../module/containers';
import { Module } from '../module/module';
import { pyBool, pyFloat, pyIntOrTuple, pyTuple } from '../module/repr';
import { save } from '../serialization/state-dict-io';
import { TO_PYTORCH_KEYS } from '../utils/option-keys';

/** Options of {@link toPyTorch}. */
export interface ToPyTorchOptions {
  /**
   * The Python class name of the model. Default: the model's own class name when it is a custom Module
   * subclass, else `'Model'`.
   */
  className?: string;
  /**
   * Inputs to run the model's `forward` on, needed when the model (or a module inside it) is a custom
   * Module subclass: its forward is traced to find which child modules it calls, on what.
   */
  exampleInputs?: readonly Tensor[];
  /** The weights file name the generated `load_model()` reads by default (default `'model.safetensors'`). */
  weightsFile?: string;
}

/** What {@link toPyTorch} produces. */
export interface PyTorchExport {
  /** The Python source: the `torch.nn.Module` classes and a `load_model(path=None)` function. */
  source: string;
  /** The model's state dict as safetensors bytes (what `save(model.stateDict())` writes). */
  weights: Uint8Array;
  /** The name of the model's class in `source`. */
  className: string;
}

const fmtF = pyFloat;
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const nTuple = (v: number | readonly number[]) => pyIntOrTuple(v);

/** Each @nn layer class and the `torch.nn` constructor call that builds the same layer. */
// biome-ignore lint/suspicious/noExplicitAny: each entry reads its own class's fields.
const LAYERS = new Map<unknown, (m: any) => string>([
  [Linear, (m: Linear) => `nn.Linear(${m.inFeatures}, ${m.outFeatures}, bias=${pyBool(m.bias !== null)})`],
  [
    Bilinear,
    (m: Bilinear) =>
      `nn.Bilinear(${m.in1Features}, ${m.in2Features}, ${m.outFeatures}, bias=${pyBool(m.bias !== null)})`,
  ],
  [Identity, () => 'nn.Identity()'],
  ...([Conv1d, Conv2d] as const).map(
    (cls) =>
      [
        cls,
        (m: Conv1d | Conv2d) =>
          `nn.${cls.name}(${m.inChannels}, ${m.outChannels}, kernel_size=${pyTuple(m.kernelSize)}, ` +
          `stride=${pyTuple(m.stride)}, padding=${typeof m.padding === 'string' ? str(m.padding) : pyTuple(m.padding)}, ` +
          `dilation=${pyTuple(m.dilation)}, groups=${m.groups}, bias=${pyBool(m.bias !== null)}, ` +
          `padding_mode=${str(m.paddingMode)})`,
      ] as const,
  ),
  [
    ConvTranspose2d,
    (m: ConvTranspose2d) =>
      `nn.ConvTranspose2d(${m.inChannels}, ${m.outChannels}, kernel_size=${pyTuple(m.kernelSize)}, ` +
      `stride=${pyTuple(m.stride)}, padding=${pyTuple(m.padding as number[])}, output_padding=${pyTuple(m.outputPadding)}, ` +
      `groups=${m.groups}, bias=${pyBool(m.bias !== null)}, dilation=${pyTuple(m.dilation)})`,
  ],
  ...([BatchNorm1d, BatchNorm2d] as const).map(
    (cls) =>
      [
        cls,
        (m: BatchNorm1d) =>
          `nn.${cls.name}(${m.numFeatures}, eps=${fmtF(m.eps)}, momentum=${m.momentum === null ? 'None' : fmtF(m.momentum)}, ` +
          `affine=${pyBool(m.affine)}, track_running_stats=${pyBool(m.trackRunningStats)})`,
      ] as const,
  ),
  [
    LayerNorm,
    (m: LayerNorm) =>
      `nn.LayerNorm(${pyTuple(m.normalizedShape)}, eps=${fmtF(m.eps)}, elementwise_affine=${pyBool(m.elementwiseAffine)})`,
  ],
  [
    GroupNorm,
    (m: GroupNorm) =>
      `nn.GroupNorm(${m.numGroups}, ${m.numChannels}, eps=${fmtF(m.eps)}, affine=${pyBool(m.affine)})`,
  ],
  [Dropout, (m: Dropout) => `nn.Dropout(p=${fmtF(m.p)})`],
  [Dropout2d, (m: Dropout2d) => `nn.Dropout2d(p=${fmtF(m.p)})`],
  // Embedding's repr is its constructor call (padding_idx, max_norm, norm_type, scale_grad_by_freq), as PyTorch's.
  [Embedding, (m: Embedding) => `nn.Embedding(${m.extraRepr()})`],
  [Flatten, (m: Flatten) => `nn.Flatten(start_dim=${m.startDim}, end_dim=${m.endDim})`],
  [Unflatten, (m: Unflatten) => `nn.Unflatten(${m.dim}, ${pyTuple(m.unflattenedSize)})`],
  [
    MaxPool2d,
    (m: MaxPool2d) =>
      `nn.MaxPool2d(${nTuple(m.kernelSize)}, stride=${nTuple(m.stride)}, padding=${nTuple(m.padding)}, ` +
      `dilation=${nTuple(m.dilation)}, ceil_mode=${pyBool(m.ceilMode)})`,
  ],
  [
    AvgPool2d,
    (m: AvgPool2d) =>
      `nn.AvgPool2d(${nTuple(m.kernelSize)}, stride=${nTuple(m.stride)}, padding=${nTuple(m.padding)}, ` +
      `ceil_mode=${pyBool(m.ceilMode)}, count_include_pad=${pyBool(m.countIncludePad)}, ` +
      `divisor_override=${m.divisorOverride ?? 'None'})`,
  ],
  [
    AdaptiveAvgPool2d,
    (m: AdaptiveAvgPool2d) => {
      const s = m.outputSize;
      return `nn.AdaptiveAvgPool2d(${typeof s === 'number' ? s : `(${s.map((v) => v ?? 'None').join(', ')})`})`;
    },
  ],
  [ReLU, () => 'nn.ReLU()'],
  [LeakyReLU, (m: LeakyReLU) => `nn.LeakyReLU(negative_slope=${fmtF(m.negativeSlope)})`],
  [PReLU, (m: PReLU) => `nn.PReLU(num_parameters=${m.numParameters})`],
  [ELU, (m: ELU) => `nn.ELU(alpha=${fmtF(m.alpha)})`],
  [SELU, () => 'nn.SELU()'],
  [GELU, (m: GELU) => `nn.GELU(approximate=${str(m.approximate)})`],
  [SiLU, () => 'nn.SiLU()'],
  [Mish, () => 'nn.Mish()'],
  [Sigmoid, () => 'nn.Sigmoid()'],
  [Tanh, () => 'nn.Tanh()'],
  [Hardtanh, (m: Hardtanh) => `nn.Hardtanh(min_val=${fmtF(m.minVal)}, max_val=${fmtF(m.maxVal)})`],
  [
    Softplus,
    (m: Softplus) =>
      `nn.Softplus(beta=${fmtF(m.options.beta ?? 1)}, threshold=${fmtF(m.options.threshold ?? 20)})`,
  ],
  [Softmax, (m: Softmax) => `nn.Softmax(dim=${m.dim})`],
  [LogSoftmax, (m: LogSoftmax) => `nn.LogSoftmax(dim=${m.dim})`],
]);

const CONTAINERS = new Set<unknown>([Sequential, ModuleList, ModuleDict]);
/** Losses are computed beside a model, not inside it: refused with that said. */
const LOSSES = new Set<unknown>([
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
]);
const isCustom = (m: Module) => !LAYERS.has(m.constructor) && !CONTAINERS.has(m.constructor);
const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const isIdentifier = (name: string) => PY_IDENTIFIER.test(name) && !PY_KEYWORDS.has(name);

/** The Python expression reading `child` (named `name`) from `parent`: `.fc`, `[0]`, `['head']`. */
function access(parent: Module, name: string): string {
  if (parent instanceof ModuleList || parent instanceof Sequential) {
    return /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
  }
  if (parent instanceof ModuleDict) return `[${str(name)}]`;
  return isIdentifier(name) ? `.${name}` : `.get_submodule(${str(name)})`;
}

/** One call of a module inside a custom module's forward, as recorded by the trace. */
interface Call {
  module: Module;
  inputs: unknown[];
  output: unknown;
}

/** What a custom module's forward did, from the trace. */
interface Trace {
  inputs: unknown[];
  output: unknown;
  calls: Call[];
}

function supported(): string {
  const names = [...LAYERS.keys(), ...CONTAINERS].map((c) => (c as { name: string }).name).sort();
  return names.join(', ');
}

/**
 * Runs the model once on `exampleInputs` (under noGrad, in eval mode, restoring the mode after) and records,
 * for every custom module, which modules its forward calls on which tensors. A custom forward that runs a
 * tensor op itself, or returns something other than one tensor, is refused naming the class and the op.
 */
function traceCustomForwards(model: Module, exampleInputs: readonly Tensor[]): Map<Module, Trace> {
  const traces = new Map<Module, Trace>();
  const running: Module[] = [];
  const handles = model.modules().flatMap((m) => [
    m.registerForwardPreHook((module, args) => {
      const owner = running.findLast(isCustom);
      if (owner !== undefined && running[running.length - 1] === owner) {
        traces.get(owner)!.calls.push({ module, inputs: args, output: undefined });
      }
      if (isCustom(module)) {
        if (traces.has(module)) {
          throw new ValueError(
            'toPyTorch',
            `${module.constructor.name} runs more than once in a forward; its trace would be ambiguous, so ` +
              'toPyTorch supports custom modules called once per forward',
          );
        }
        traces.set(module, { inputs: args, output: undefined, calls: [] });
      }
      running.push(module);
    }),
    m.registerForwardHook((module, _args, output) => {
      running.pop();
      const owner = running.findLast(isCustom);
      if (owner !== undefined && running[running.length - 1] === owner) {
        const calls = traces.get(owner)!.calls;
        calls[calls.length - 1]!.output = output;
      }
      if (isCustom(module)) traces.get(module)!.output = output;
    }),
  ]);
  // The first op a custom forward runs itself (observers must not throw: others saw the op start).
  let ownOp: { module: Module; op: string } | undefined;
  const removeObserver = addDispatchObserver({
    enter(op) {
      const top = running[running.length - 1];
      if (ownOp === undefined && top !== undefined && isCustom(top)) ownOp = { module: top, op };
    },
    exit() {},
  });
  const wasTraining = model.training;
  try {
    noGrad(() => model.eval().call(...(exampleInputs as never[])));
  } finally {
    model.train(wasTraining);
    removeObserver();
    for (const h of handles) h.remove();
  }
  if (ownOp !== undefined) {
    throw new ValueError(
      'toPyTorch',
      `${ownOp.module.constructor.name}.forward runs the tensor op '${ownOp.op}' itself; toPyTorch writes forwards ` +
        `that only call child modules (built from ${supported()}). Move the op into a layer (e.g. Flatten for a ` +
        'reshape, ReLU for relu), or write that class in Python by hand',
    );
  }
  return traces;
}

/** Writes the Python classes: one per custom module, then the model's own. */
class Writer {
  readonly classes: string[] = [];
  readonly #names = new Map<string, number>();

  constructor(readonly traces: Map<Module, Trace> | undefined) {}

  /** A class name not taken yet (`Block`, `Block_2`). */
  uniqueName(base: string): string {
    const n = (this.#names.get(base) ?? 0) + 1;
    this.#names.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  }

  /** The Python expression constructing `m` (a `torch.nn` call, or a generated class for custom modules). */
  expression(m: Module, path: string, indent: string): string {
    const layer = LAYERS.get(m.constructor);
    if (layer !== undefined) return layer(m);
    if (CONTAINERS.has(m.constructor)) return this.#container(m, path, indent);
    return `${this.customClass(m, path, undefined)}()`;
  }

  #children(m: Module, path: string, indent: string): [string, string][] {
    return m
      .namedChildren()
      .map(([name, child]) => [
        name,
        this.expression(child, path === '' ? name : `${path}.${name}`, `${indent}    `),
      ]);
  }

  #container(m: Module, path: string, indent: string): string {
    this.#noOwnTensors(m, path);
    const children = this.#children(m, path, indent);
    const inner = `${indent}    `;
    if (m instanceof ModuleDict) {
      return `nn.ModuleDict({\n${children.map(([k, e]) => `${inner}${str(k)}: ${e},\n`).join('')}${indent}})`;
    }
    const numbered = children.every(([k], i) => k === String(i));
    const cls = m instanceof Sequential ? 'nn.Sequential' : 'nn.ModuleList';
    if (numbered) {
      const items = children.map(([, e]) => `${inner}${e},\n`).join('');
      return m instanceof Sequential ? `${cls}(\n${items}${indent})` : `${cls}([\n${items}${indent}])`;
    }
    return `${cls}(OrderedDict([\n${children.map(([k, e]) => `${inner}(${str(k)}, ${e}),\n`).join('')}${indent}]))`;
  }

  /** Containers hold only modules: a tensor registered on one would be lost. */
  #noOwnTensors(m: Module, path: string): void {
    const own = [...m.namedParameters({ recurse: false }), ...m.namedBuffers({ recurse: false })];
    if (own.length > 0) {
      throw new ValueError(
        'toPyTorch',
        `${m.constructor.name} at "${path || 'the top'}" holds its own tensors (${own.map((e) => e[0]).join(', ')}); ` +
          'containers only hold modules',
      );
    }
  }

  /** Writes the class of custom module `m`; returns its name. */
  customClass(m: Module, path: string, name: string | undefined): string {
    const where = path === '' ? 'the model' : `"${path}"`;
    const trace = this.traces?.get(m);
    if (trace === undefined) {
      throw new ValueError(
        'toPyTorch',
        this.traces === undefined
          ? `${m.constructor.name} (${where}) is a custom Module subclass; pass exampleInputs so its forward can be traced, ` +
              `or build the model from ${supported()}`
          : `${m.constructor.name} (${where}) never ran in the traced forward, so its forward is unknown`,
      );
    }
    const className = this.uniqueName(name ?? m.constructor.name);
    const inner = '        ';
    const lines: string[] = [];
    for (const [key, tensor] of m.namedParameters({ recurse: false })) {
      lines.push(`${inner}self.${key} = nn.Parameter(torch.empty(${pyTuple(tensor.shape)}))`);
    }
    for (const [key, tensor] of m.namedBuffers({ recurse: false })) {
      const dtype = tensor.dtype === 'int32' ? 'torch.long' : `torch.${tensor.dtype}`;
      lines.push(
        `${inner}self.register_buffer(${str(key)}, torch.zeros(${pyTuple(tensor.shape)}, dtype=${dtype}))`,
      );
    }
    for (const [key, child] of m.namedChildren()) {
      if (!isIdentifier(key))
        throw new ValueError('toPyTorch', `field "${key}" of ${m.constructor.name} is not a Python name`);
      lines.push(
        `${inner}self.${key} = ${this.expression(child, path === '' ? key : `${path}.${key}`, inner)}`,
      );
    }
    const body = [
      `    def __init__(self):`,
      `${inner}super().__init__()`,
      ...lines,
      '',
      this.#forward(m, trace, where),
    ];
    this.classes.push(`class ${className}(nn.Module):\n${body.join('\n')}\n`);
    return className;
  }

  /** The forward of a custom module: its traced calls, with a variable per tensor. */
  #forward(m: Module, trace: Trace, where: string): string {
    const names = new Map<unknown, string>();
    const args = trace.inputs.map((input, i) => {
      if (!(input instanceof Tensor)) {
        throw new ValueError(
          'toPyTorch',
          `${m.constructor.name} (${where}) takes a non-tensor argument ${i}; only tensors are supported`,
        );
      }
      const name = trace.inputs.length === 1 ? 'x' : `x${i}`;
      names.set(input, name);
      return name;
    });
    // A plain chain (each call takes the previous output) reads best as `x = self.layer(x)`.
    const chain =
      args.length === 1 &&
      trace.calls.every(
        (c, i) =>
          c.inputs.length === 1 && c.inputs[0] === (i === 0 ? trace.inputs[0] : trace.calls[i - 1]!.output),
      ) &&
      trace.calls.length > 0 &&
      trace.output === trace.calls[trace.calls.length - 1]!.output;
    const lines: string[] = [];
    for (const [i, call] of trace.calls.entries()) {
      const inputs = call.inputs.map((input) => {
        const name = names.get(input);
        if (name === undefined) {
          throw new ValueError(
            'toPyTorch',
            `${m.constructor.name}.forward (${where}) passes ${call.module.constructor.name} a value that is neither its ` +
              'input nor an output of a module it called; toPyTorch supports forwards that only chain module calls',
          );
        }
        return name;
      });
      const target = chain ? 'x' : `h${i}`;
      if (!(call.output instanceof Tensor)) {
        throw new ValueError(
          'toPyTorch',
          `${call.module.constructor.name} returned a non-tensor in ${m.constructor.name}.forward`,
        );
      }
      names.set(call.output, target);
      lines.push(`        ${target} = self${this.#pathTo(m, call.module)}(${inputs.join(', ')})`);
    }
    const result = names.get(trace.output);
    if (!(trace.output instanceof Tensor) || result === undefined) {
      throw new ValueError(
        'toPyTorch',
        `${m.constructor.name}.forward (${where}) returns ${trace.output instanceof Tensor ? 'a tensor no module call made' : 'something other than one tensor'}; ` +
          'toPyTorch supports forwards that return the output of a module call',
      );
    }
    return [`    def forward(self, ${args.join(', ')}):`, ...lines, `        return ${result}`].join('\n');
  }

  /** `.features[0]`: how `m`'s forward reaches `target` below it. */
  #pathTo(m: Module, target: Module): string {
    const find = (parent: Module): string | undefined => {
      for (const [name, child] of parent.namedChildren()) {
        if (child === target) return access(parent, name);
        const below = find(child);
        if (below !== undefined) return access(parent, name) + below;
      }
      return undefined;
    };
    return find(m)!;
  }
}

/** The generated file's loader: safetensors when installed, else a few lines of plain Python. */
const LOADER = `def load_state_dict(path):
    """The safetensors file at path as a state dict (with the safetensors package, else plain Python)."""
    try:
        from safetensors.torch import load_file
        return load_file(path)
    except ImportError:
        pass
    dtypes = {'F32': torch.float32, 'F64': torch.float64, 'I32': torch.int32, 'I64': torch.int64,
              'BOOL': torch.bool, 'U8': torch.uint8}
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        raw = bytearray(data[8 + n + begin:8 + n + end])
        t = torch.frombuffer(raw, dtype=dtypes[info['dtype']]) if raw else torch.zeros(0, dtype=dtypes[info['dtype']])
        out[name] = t.reshape(info['shape'])
    return out
`;

/**
 * Writes the PyTorch equivalent of `model`: Python source defining a `torch.nn.Module` class with the same
 * layers, constructor arguments and state-dict keys, plus the model's weights as safetensors, so training can
 * continue in PyTorch (DDP, FSDP, ...). Browser-safe: it returns text and bytes; `writePyTorch` in
 * `@nn/nn/node` writes them to files.
 *
 * Models built from @nn's layers and `Sequential`/`ModuleList`/`ModuleDict` map one to one. A custom Module
 * subclass is traced: its forward runs once on `exampleInputs`, and the calls it makes to its child modules
 * (on its inputs and on earlier calls' outputs) become the Python forward. A custom forward that runs tensor
 * ops itself (`x.flatten(1)`, `relu(x)`, `a.add(b)`) is refused, naming the class and the op: put the op in a
 * layer, or write that class by hand. Loss modules are not layers of a model and are refused too.
 *
 * @throws {ValueError} naming the class (and path) that cannot be written, and what is supported.
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const { source, weights } = toPyTorch(model);
 * // model.py: `from model import load_model; net = load_model()` gives the same outputs in PyTorch
 * ```
 */
export function toPyTorch(model: Module, options: ToPyTorchOptions = {}): PyTorchExport {
  checkOptions('toPyTorch', options, TO_PYTORCH_KEYS);
  if (!(model instanceof Module)) throw new ValueError('toPyTorch', `expected a Module, got ${typeof model}`);
  const seen = new Map<Module, string>();
  for (const [path, m] of model.namedModules('', false)) {
    const first = seen.get(m);
    if (first !== undefined) {
      throw new ValueError(
        'toPyTorch',
        `the ${m.constructor.name} at "${path}" is the same module as the one at "${first || 'the top'}"; ` +
          'toPyTorch does not write modules shared between two places',
      );
    }
    seen.set(m, path);
  }
  const customs = model.modules().filter(isCustom);
  for (const m of customs) {
    if (LOSSES.has(m.constructor)) {
      throw new ValueError(
        'toPyTorch',
        `the model holds the loss ${m.constructor.name}; write the model without it and compute the loss beside it ` +
          `in the training script (nn.${m.constructor.name} in PyTorch)`,
      );
    }
    // A subclass of a layer or container may change what it does: no torch.nn class matches it.
    for (let c = Object.getPrototypeOf(m.constructor); c !== Module; c = Object.getPrototypeOf(c)) {
      if (LAYERS.has(c) || CONTAINERS.has(c)) {
        throw new ValueError(
          'toPyTorch',
          `${m.constructor.name} extends the @nn class ${c.name}, which toPyTorch cannot map to one torch.nn class; ` +
            `use ${c.name} itself, or a Module subclass holding one (supported: ${supported()})`,
        );
      }
    }
  }
  const weightsFile = options.weightsFile ?? 'model.safetensors';
  const traces =
    customs.length === 0
      ? undefined
      : options.exampleInputs === undefined
        ? undefined
        : traceCustomForwards(model, options.exampleInputs);
  const writer = new Writer(traces);
  let className: string;
  if (isCustom(model)) {
    className = writer.customClass(model, '', options.className);
  } else {
    className = writer.uniqueName(options.className ?? 'Model');
    const expression = writer.expression(model, '', '        ');
    const base = expression.slice(0, expression.indexOf('('));
    const args = expression.slice(expression.indexOf('(') + 1, -1);
    writer.classes.push(
      `class ${className}(${base}):\n    def __init__(self):\n        super().__init__(${args})\n`,
    );
  }
  const dtypes = new Set(model.parameters().map((p) => p.dtype));
  const dtype = dtypes.size === 1 && dtypes.has('float64') ? 'torch.float64' : 'torch.float32';
  const source = [
    `"""PyTorch equivalent of an @nn model, written by @nn/nn's toPyTorch.`,
    '',
    `Usage: from ${weightsFile.replace(/\.safetensors$/, '').replace(/[^A-Za-z0-9_]/g, '_')} import load_model`,
    `       model = load_model()  # ${className} with the weights of ${weightsFile} (next to this file)`,
    '"""',
    'import json',
    'import os',
    'import struct',
    'from collections import OrderedDict  # noqa: F401 (used by named Sequential/ModuleList)',
    '',
    'import torch',
    'from torch import nn',
    '',
    '',
    writer.classes.join('\n\n'),
    '',
    LOADER,
    '',
    `def load_model(path=None):`,
    `    """A ${className} holding the weights at path (default: ${weightsFile} next to this file)."""`,
    `    model = ${className}().to(${dtype})`,
    `    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), ${str(weightsFile)})`,
    '    model.load_state_dict(load_state_dict(path))',
    '    return model',
    '',
  ].join('\n');
  return { source, weights: save(model.stateDict()), className };
}
