import { noGrad } from '@nn/autograd';
import type { DataLoader } from '@nn/data';
import { Module, utils } from '@nn/nn';
import { lrScheduler, type Optimizer } from '@nn/optim';
import { cat, checkOptions, defaultGenerator, Generator, type Tensor, ValueError } from '@nn/tensor';
import type { Callback } from './callbacks/callback';
import type { Checkpoint, CheckpointInput } from './checkpoint/checkpoint';
import {
  checkLoaderOptions,
  samplesPerEpoch,
  splitValidation,
  type TrainData,
  toLoader,
} from './data-source';
import { History, type Logs } from './history';
import { LossTracker } from './loss-tracker';
import type { Metric } from './metrics/metric';
import { type MetricName, resolveMetrics } from './metrics/resolve-metric';
import { FIT_RUN_KEYS, INFERENCE_KEYS, TRAINER_KEYS } from './option-keys';

/** A loss: a Module such as `new CrossEntropyLoss()` or a function such as `F.crossEntropy`. */
export type Loss = Module | ((output: Tensor, target: Tensor) => Tensor);

/** A scheduler, or a function making one once the number of epochs and batches is known. */
export type SchedulerInput =
  | lrScheduler.Scheduler
  | ((
      optimizer: Optimizer,
      plan: { epochs: number; stepsPerEpoch: number | undefined },
    ) => lrScheduler.Scheduler);

/** What a training step hands back: the loss to log and the outputs and targets for the metrics. */
export interface StepOutput {
  loss: Tensor;
  output: Tensor;
  target: Tensor;
}

/** What a validation step hands back: as {@link StepOutput}, without a loss when the trainer has none. */
export type ValidationOutput = Omit<StepOutput, 'loss'> & { loss: Tensor | undefined };

/** How a {@link Trainer} trains (Keras's `compile` arguments plus Lightning's trainer flags). */
export interface TrainerOptions {
  /**
   * The optimizer (required by `fit`), built on the model's parameters after moving the model to
   * `device`, or a function building it from them.
   */
  optimizer?: Optimizer | ((parameters: Tensor[]) => Optimizer);
  /** The loss between the model's output and the target (required by `fit`; `evaluate` logs it when given). */
  loss?: Loss;
  /** Metrics logged per epoch for training and validation (`'accuracy'`, `'mse'`, `'mae'`, `'r2'` or instances). */
  metrics?: (Metric | MetricName)[];
  /** A learning-rate scheduler, stepped per batch or per epoch (see `schedulerInterval`). */
  scheduler?: SchedulerInput;
  /**
   * When the scheduler steps: `'batch'` (after each optimizer step) or `'epoch'`. Default: per batch for
   * OneCycleLR and CyclicLR, which PyTorch steps per batch, per epoch for the others. ReduceLROnPlateau
   * steps per epoch with the value of `schedulerMonitor`.
   */
  schedulerInterval?: 'batch' | 'epoch';
  /** The logged value ReduceLROnPlateau watches; default `val_loss`, or `loss` without validation. */
  schedulerMonitor?: string;
  /** Device the model and batches live on (default: where the model's parameters are). */
  device?: string;
  /** Callbacks, called in order. */
  callbacks?: Callback[];
  /** Rescale gradients so their total 2-norm is at most this (`clip_grad_norm_`) before each optimizer step. */
  clipGradNorm?: number;
  /** Clamp every gradient to [-v, v] (`clip_grad_value_`) before each optimizer step. */
  clipGradValue?: number;
  /** Sum gradients over this many batches per optimizer step (default 1); the loss is divided by it. */
  accumulateGradBatches?: number;
  /** Batches between reads of the running loss and metrics for batch callbacks (default 20); each read waits for the device. */
  logEvery?: number;
  /** 0: silent; 1 (default): a progress bar on a terminal, one line per epoch otherwise; 2: one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Seed of the shuffle order (default: drawn from the global generator). */
  seed?: number;
}

/** How one `fit` runs. */
export interface FitRunOptions {
  /** Number of epochs (default 1); when resuming, the total including the epochs already done. */
  epochs?: number;
  /** Rows per batch for tensors and datasets (default 32, as Keras). */
  batchSize?: number;
  /** Reshuffle the training rows every epoch (default true). */
  shuffle?: boolean;
  /** Validation data, evaluated after each epoch. */
  validationData?: TrainData;
  /** Keras's `validation_split`: hold out this last fraction of the training rows for validation. */
  validationSplit?: number;
  /** A checkpoint from {@link Trainer.checkpoint} (via `loadCheckpoint`) to continue from, bit for bit. */
  resume?: Checkpoint;
}

/** Options of {@link Trainer.evaluate} and {@link Trainer.predict}. */
export interface InferenceOptions {
  /** Rows per batch for tensors and datasets (default 32). */
  batchSize?: number;
}

/**
 * Runs training loops the way Keras's `fit` and Lightning's `Trainer` do: batches, the optimizer and
 * scheduler steps, gradient clipping and accumulation, train/eval modes, metrics, validation, callbacks
 * and a {@link History}. Values stay on the device and are read only at logging points.
 *
 * Subclass it to change one part of the loop and keep the rest: override {@link Trainer.trainStep} (a GAN,
 * two losses), {@link Trainer.optimizerStep}, {@link Trainer.validationStep} or {@link Trainer.predictStep}.
 *
 * @example
 * ```ts
 * import { F, Flatten, Linear, ReLU, Sequential } from '@nn/nn';
 * import { Adam } from '@nn/optim';
 * import { randint, randn } from '@nn/tensor';
 * import { Trainer } from '@nn/train';
 *
 * const net = new Sequential(new Flatten(), new Linear(784, 32), new ReLU(), new Linear(32, 10));
 * const trainer = new Trainer(net, {
 *   optimizer: new Adam(net.parameters()), loss: F.crossEntropy, metrics: ['accuracy'], verbose: 0,
 * });
 * const [x, y] = [randn([256, 1, 28, 28]), randint(0, 10, [256])];
 * const history = await trainer.fit([x, y], { epochs: 2, batchSize: 64, validationSplit: 0.1 });
 * const { loss, accuracy } = await trainer.evaluate([x, y]);
 * ```
 */
export class Trainer {
  readonly model: Module;
  readonly metrics: Metric[];
  readonly callbacks: Callback[];
  readonly device: string;
  /** The scheduler of the current fit, once made. */
  scheduler: lrScheduler.Scheduler | undefined;
  /** The current fit's history. */
  history = new History();
  /** Set by callbacks (EarlyStopping) to end training after the current epoch. */
  stopTraining = false;
  /** The epoch being trained, 0-based. */
  epoch = 0;
  /** The number of epochs of the current fit. */
  epochs = 0;
  readonly #optimizer: Optimizer | undefined;
  #generator: Generator | undefined;
  private readonly options: TrainerOptions;
  private readonly lossTracker = new LossTracker();

  constructor(model: Module, options: TrainerOptions) {
    const op = 'Trainer';
    checkOptions(op, options, TRAINER_KEYS);
    const firstParameter = model.parameters()[0];
    this.device = options.device ?? firstParameter?.device ?? 'cpu';
    if (firstParameter && firstParameter.device !== this.device) model.to(this.device);
    this.model = model;
    this.#optimizer =
      typeof options.optimizer === 'function' ? options.optimizer(model.parameters()) : options.optimizer;
    const owned = new Set<Tensor>(model.parameters());
    if (this.#optimizer?.paramGroups.some((g) => g.params.some((p) => !owned.has(p)))) {
      throw new ValueError(
        op,
        "the optimizer holds tensors that are not this model's parameters (was it built before moving the model to another device?); pass optimizer: (parameters) => new Adam(parameters) instead",
      );
    }
    for (const [name, value] of [
      ['accumulateGradBatches', options.accumulateGradBatches],
      ['logEvery', options.logEvery],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new ValueError(op, `${name} must be a positive integer, got ${value}`);
      }
    }
    for (const [name, value] of [
      ['clipGradNorm', options.clipGradNorm],
      ['clipGradValue', options.clipGradValue],
    ] as const) {
      if (value !== undefined && !(value > 0))
        throw new ValueError(op, `${name} must be a positive number, got ${value}`);
    }
    this.options = options;
    this.metrics = resolveMetrics(op, options.metrics ?? []);
    this.callbacks = [...(options.callbacks ?? [])];
  }

  /**
   * The shuffle order's random stream (saved in checkpoints), made at the first fit: seeded with `seed`,
   * else with a draw from the global generator (evaluate and predict never draw).
   */
  get generator(): Generator {
    this.#generator ??= new Generator(this.options.seed ?? defaultGenerator.nextUint32());
    return this.#generator;
  }

  /** The optimizer; an error when the trainer was built without one. */
  get optimizer(): Optimizer {
    if (!this.#optimizer) {
      throw new ValueError(
        'Trainer',
        'training needs options.optimizer (an Optimizer or (parameters) => Optimizer)',
      );
    }
    return this.#optimizer;
  }

  /** One training batch: forward, loss and backward (the optimizer steps in {@link Trainer.optimizerStep}). */
  trainStep(batch: Tensor[], _index: number): StepOutput {
    const [x, target] = this.splitBatch('trainStep', batch);
    const output = this.forward(x);
    const loss = this.computeLoss(output, target);
    const accumulate = this.options.accumulateGradBatches ?? 1;
    (accumulate === 1 ? loss : loss.div(accumulate)).backward();
    return { loss, output, target };
  }

  /** Clips the gradients, steps the optimizer (and a per-batch scheduler) and zeroes the gradients. */
  optimizerStep(): void {
    const { clipGradValue, clipGradNorm } = this.options;
    if (clipGradValue !== undefined) utils.clipGradValue_(this.model.parameters(), clipGradValue);
    if (clipGradNorm !== undefined) utils.clipGradNorm_(this.model.parameters(), clipGradNorm);
    this.optimizer.step();
    this.optimizer.zeroGrad();
    if (this.schedulerInterval() === 'batch') (this.scheduler as lrScheduler.LRScheduler).step();
  }

  /** One validation or evaluation batch (runs without gradients, in eval mode). */
  validationStep(batch: Tensor[]): ValidationOutput {
    const [x, target] = this.splitBatch('validationStep', batch);
    const output = this.forward(x);
    return { loss: this.options.loss ? this.computeLoss(output, target) : undefined, output, target };
  }

  /** One prediction batch: the model's output for the batch's first tensor. */
  predictStep(batch: Tensor[]): Tensor {
    return this.forward(batch[0]!);
  }

  /** The model's output for inputs `x` (override for models taking several inputs). */
  forward(x: Tensor): Tensor {
    return this.model.call(x as never) as Tensor;
  }

  /** The loss of a batch. */
  computeLoss(output: Tensor, target: Tensor): Tensor {
    const { loss } = this.options;
    if (!loss)
      throw new ValueError(
        'Trainer',
        'training needs options.loss (a loss Module or a function (output, target) => Tensor)',
      );
    return loss instanceof Module
      ? (loss.call(output as never, target as never) as Tensor)
      : loss(output, target);
  }

  /**
   * Trains for `epochs` epochs on `data` and returns the {@link History}; validation data (or a split of
   * the training rows) is evaluated after each epoch.
   */
  async fit(data: TrainData, options: FitRunOptions = {}): Promise<History> {
    checkOptions('Trainer.fit', options, FIT_RUN_KEYS);
    const op = 'fit';
    if (!this.#optimizer || !this.options.loss)
      throw new ValueError(op, 'fit needs options.optimizer and options.loss');
    const epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new ValueError(op, `epochs must be a positive integer, got ${epochs}`);
    if (options.validationData !== undefined && options.validationSplit !== undefined) {
      throw new ValueError(op, 'pass validationData or validationSplit, not both');
    }
    checkLoaderOptions(op, data, options);
    let trainData = data;
    let validationData = options.validationData;
    if (options.validationSplit !== undefined)
      [trainData, validationData] = splitValidation(op, data, options.validationSplit);
    const batchSize = options.batchSize ?? 32;
    const loader = toLoader(op, trainData, {
      batchSize,
      shuffle: options.shuffle ?? true,
      generator: this.generator,
    });
    const validation =
      validationData === undefined ? undefined : toLoader(op, validationData, { batchSize, shuffle: false });
    const stepsPerEpoch = lengthOf(loader);
    const accumulate = this.options.accumulateGradBatches ?? 1;
    this.scheduler = this.makeScheduler({
      epochs,
      stepsPerEpoch: stepsPerEpoch === undefined ? undefined : Math.ceil(stepsPerEpoch / accumulate),
    });
    this.history = new History();
    this.stopTraining = false;
    this.epochs = epochs;
    let start = 0;
    if (options.resume) start = this.restore(options.resume);
    if (start >= epochs)
      throw new ValueError(
        op,
        `the checkpoint already has ${start} epochs; ask for more than ${start} epochs to continue`,
      );
    const callbacks = [...this.callbacks, ...(await this.display())];
    for (const c of callbacks) await c.onFitStart(this);
    this.optimizer.zeroGrad();
    for (let epoch = start; epoch < epochs && !this.stopTraining; epoch++) {
      this.epoch = epoch;
      for (const c of callbacks) await c.onEpochStart(this, epoch);
      const logs = await this.trainEpoch(loader, epoch, callbacks);
      for (const c of callbacks) await c.onTrainEpochEnd(this, epoch, logs);
      if (validation) {
        for (const [key, value] of Object.entries(await this.evaluateLoader(validation)))
          logs[`val_${key}`] = value;
      }
      this.stepEpochScheduler(logs, validation !== undefined);
      this.history.record(epoch, logs);
      for (const c of callbacks) await c.onEpochEnd(this, epoch, logs);
    }
    for (const c of callbacks) await c.onFitEnd(this, this.history);
    return this.history;
  }

  /** The loss and metrics over `data` in eval mode without gradients (Keras's `evaluate` with `return_dict`). */
  async evaluate(data: TrainData, options: InferenceOptions = {}): Promise<Logs> {
    checkOptions('Trainer.evaluate', options, INFERENCE_KEYS);
    checkLoaderOptions('evaluate', data, options);
    const loader = toLoader('evaluate', data, { batchSize: options.batchSize ?? 32, shuffle: false });
    return this.evaluateLoader(loader);
  }

  /** The model's outputs for every row of `data` (tensors `x` or `[x]`, a Dataset or a DataLoader), concatenated on the device. */
  async predict(data: TrainData, options: InferenceOptions = {}): Promise<Tensor> {
    checkOptions('Trainer.predict', options, INFERENCE_KEYS);
    checkLoaderOptions('predict', data, options);
    const loader = toLoader('predict', data, { batchSize: options.batchSize ?? 32, shuffle: false });
    const outputs: Tensor[] = [];
    await this.inEvalMode(async () => {
      for await (const batch of loader) {
        const moved = this.toDevice(asBatch(batch));
        outputs.push(noGrad(() => this.predictStep(moved)));
      }
    });
    if (outputs.length === 0) throw new ValueError('predict', 'the data has no rows');
    return cat(outputs, 0);
  }

  /**
   * Everything needed to continue this fit bit for bit, for `saveCheckpoint`: model, optimizer, scheduler,
   * the number of epochs done, the history and both random streams (shuffle order and the global one).
   */
  checkpoint(): CheckpointInput {
    return {
      model: this.model,
      optimizer: this.optimizer,
      ...(this.scheduler ? { scheduler: this.scheduler } : {}),
      epoch: this.epoch + 1,
      history: this.history.toJSON(),
      rng: { shuffle: this.generator.getState(), global: defaultGenerator.getState() },
    };
  }

  /** Loads a checkpoint from {@link Trainer.checkpoint}; returns the number of epochs it had done. */
  private restore(checkpoint: Checkpoint): number {
    const op = 'fit';
    if (!checkpoint.model || !checkpoint.optimizer || typeof checkpoint.epoch !== 'number') {
      throw new ValueError(
        op,
        'resume needs a checkpoint with model, optimizer and epoch (saveCheckpoint(path, trainer.checkpoint()))',
      );
    }
    this.model.loadStateDict(checkpoint.model);
    this.optimizer.loadStateDict(checkpoint.optimizer);
    if (checkpoint.scheduler) {
      if (!this.scheduler)
        throw new ValueError(op, 'the checkpoint has a scheduler state but this trainer has no scheduler');
      this.scheduler.loadStateDict(checkpoint.scheduler);
    }
    const rng = checkpoint.rng as { shuffle: number[]; global: number[] } | undefined;
    if (rng) {
      this.generator.setState(rng.shuffle);
      defaultGenerator.setState(rng.global);
    }
    const history = checkpoint.history as ReturnType<History['toJSON']> | undefined;
    if (history) this.history = History.fromJSON(history);
    return checkpoint.epoch;
  }

  private async trainEpoch(
    loader: DataLoader<unknown, unknown>,
    epoch: number,
    callbacks: Callback[],
  ): Promise<Logs> {
    this.model.train();
    this.lossTracker.reset();
    for (const m of this.metrics) m.reset();
    const batches = lengthOf(loader);
    const samples = samplesPerEpoch(loader);
    const logEvery = this.options.logEvery ?? 20;
    const accumulate = this.options.accumulateGradBatches ?? 1;
    let seen = 0;
    let index = 0;
    let logs: Logs = {};
    for await (const raw of loader) {
      const { loss, output, target } = this.trainStep(this.toDevice(asBatch(raw)), index);
      const last = index + 1 === batches;
      if ((index + 1) % accumulate === 0 || last) this.optimizerStep();
      const rows = target.shape[0] ?? 1;
      seen += rows;
      this.lossTracker.update(loss, rows);
      for (const m of this.metrics) m.update(output, target);
      const read = (index + 1) % logEvery === 0 || last;
      if (read) logs = await this.readLogs();
      for (const c of callbacks)
        await c.onTrainBatchEnd(this, {
          epoch,
          batch: index,
          batches,
          seen,
          samples,
          ...(read ? { logs } : {}),
        });
      index++;
    }
    if (index === 0) throw new ValueError('fit', 'the training data has no batches');
    // data without a length: the last batch was not known as last, so read now
    return batches === undefined ? this.readLogs() : { ...logs };
  }

  private async evaluateLoader(loader: DataLoader<unknown, unknown>): Promise<Logs> {
    const tracker = new LossTracker();
    let rows = 0;
    for (const m of this.metrics) m.reset();
    await this.inEvalMode(async () => {
      for await (const raw of loader) {
        const batch = this.toDevice(asBatch(raw));
        const { loss, output, target } = noGrad(() => this.validationStep(batch));
        rows += target.shape[0] ?? 1;
        if (loss) tracker.update(loss, target.shape[0] ?? 1);
        for (const m of this.metrics) m.update(output, target);
      }
    });
    if (rows === 0) throw new ValueError('evaluate', 'the data has no rows');
    const mean = tracker.mean();
    return this.read(mean ? { loss: mean } : {});
  }

  /** The running loss and metric values, read from the device together. */
  private readLogs(): Promise<Logs> {
    return this.read({ loss: this.lossTracker.mean()! });
  }

  private async read(start: Record<string, Tensor>): Promise<Logs> {
    const tensors: Record<string, Tensor> = { ...start };
    for (const m of this.metrics) {
      const value = m.compute();
      if (value.numel() !== 1) {
        throw new ValueError(
          'Trainer',
          `metric '${m.name}' gives a [${value.shape.join(', ')}] tensor, not a number; use it outside fit's metrics`,
        );
      }
      tensors[m.name] = value;
    }
    const entries = await Promise.all(
      Object.entries(tensors).map(async ([k, t]) => [k, Number((await t.data())[0])] as const),
    );
    return Object.fromEntries(entries);
  }

  private async inEvalMode(run: () => Promise<void>): Promise<void> {
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      await run();
    } finally {
      this.model.train(wasTraining);
    }
  }

  private splitBatch(step: string, batch: Tensor[]): [Tensor, Tensor] {
    if (batch.length < 2) {
      throw new ValueError(
        step,
        `a training batch needs inputs and targets [x, y], got ${batch.length} tensor(s); override ${step} for other layouts`,
      );
    }
    return [batch[0]!, batch[1]!];
  }

  private toDevice(batch: Tensor[]): Tensor[] {
    return batch.map((t) => t.to(this.device));
  }

  private makeScheduler(plan: {
    epochs: number;
    stepsPerEpoch: number | undefined;
  }): lrScheduler.Scheduler | undefined {
    const input = this.options.scheduler;
    if (input === undefined) return undefined;
    const scheduler = typeof input === 'function' ? input(this.optimizer, plan) : input;
    if (scheduler.optimizer !== this.optimizer) {
      throw new ValueError(
        'fit',
        "the scheduler drives another optimizer than the trainer's; build it on trainer.optimizer or pass a function (optimizer, plan) => scheduler",
      );
    }
    if (scheduler instanceof lrScheduler.ReduceLROnPlateau && this.options.schedulerInterval === 'batch') {
      throw new ValueError(
        'fit',
        "ReduceLROnPlateau steps once per epoch with a monitored value; leave schedulerInterval unset or 'epoch'",
      );
    }
    return scheduler;
  }

  private schedulerInterval(): 'batch' | 'epoch' | undefined {
    const scheduler = this.scheduler;
    if (!scheduler) return undefined;
    if (this.options.schedulerInterval) return this.options.schedulerInterval;
    return scheduler instanceof lrScheduler.OneCycleLR || scheduler instanceof lrScheduler.CyclicLR
      ? 'batch'
      : 'epoch';
  }

  private stepEpochScheduler(logs: Logs, validated: boolean): void {
    const scheduler = this.scheduler;
    if (!scheduler || this.schedulerInterval() !== 'epoch') return;
    if (scheduler instanceof lrScheduler.ReduceLROnPlateau) {
      const monitor = this.options.schedulerMonitor ?? (validated ? 'val_loss' : 'loss');
      const value = logs[monitor];
      if (value === undefined) {
        throw new ValueError(
          'fit',
          `schedulerMonitor '${monitor}' is not logged; logged: ${Object.keys(logs).join(', ')}`,
        );
      }
      scheduler.step(value);
      return;
    }
    (scheduler as lrScheduler.LRScheduler).step();
  }

  /** The progress display `verbose` asks for (loaded only in Node, where it can print). */
  private async display(): Promise<Callback[]> {
    const verbose = this.options.verbose ?? 1;
    if (verbose === 0 || typeof process === 'undefined' || !process.stdout) return [];
    const { ProgressBar } = await import('./callbacks/progress-bar');
    return [new ProgressBar({ stream: process.stdout, ...(verbose === 2 ? { bar: false } : {}) })];
  }
}

/** A loader's batches per epoch, or undefined for streams. */
function lengthOf(loader: DataLoader<unknown, unknown>): number | undefined {
  try {
    return loader.length;
  } catch {
    return undefined;
  }
}

/** A batch as a list of tensors (a lone tensor is `[x]`). */
function asBatch(batch: unknown): Tensor[] {
  return Array.isArray(batch) ? (batch as Tensor[]) : [batch as Tensor];
}
