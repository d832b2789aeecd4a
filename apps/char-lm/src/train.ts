import { F } from '@nn/nn';
import { Adam, lrScheduler } from '@nn/optim';
import { Generator, manualSeed, type Tensor } from '@nn/tensor';
import { evaluate, fit, type History } from '@nn/train';
import { ProgressBar } from '@nn/train/node';
import { nextCharWindows, readText, splitCorpus } from './corpus';
import { buildModel } from './models/build-model';
import type { CharLanguageModel, ModelConfig } from './models/char-model';
import { Perplexity } from './perplexity';
import { sampleText } from './sample';
import type { Vocabulary } from './vocabulary';
import { saveCharLm } from './weights';

/** The sampling part of a run: see `SampleOptions` in sample.ts. */
export interface SampleSettings {
  prompt: string;
  length: number;
  temperature: number;
}

/** Everything the command line sets for a training run. */
export interface TrainOptions {
  model: 'lstm' | 'transformer';
  /** The text file (UTF-8, gzipped if it ends in .gz). */
  text: string;
  /** The last fraction of the text, held out to measure perplexity. */
  heldOut: number;
  /** Train on the first N characters of the training part only (quick runs). */
  trainChars?: number;
  /** Measure perplexity on the first N held-out characters only (quick runs). */
  evalChars?: number;
  /** Characters per training sequence (and the Transformer's context length). */
  seqLen: number;
  batchSize: number;
  epochs: number;
  /** Peak learning rate of the one-cycle schedule. */
  lr: number;
  /** Largest total gradient 2-norm (clip_grad_norm_); 0 turns clipping off. */
  clip: number;
  /** LSTM hidden size and embedding size, or the Transformer's d_model. */
  size: number;
  layers: number;
  /** Attention heads (Transformer only). */
  heads: number;
  dropout: number;
  seed: number;
  /** Where the weights go (safetensors); empty to skip saving. */
  weights: string;
  sample: SampleSettings;
  /** Where progress goes; default stdout. */
  log?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** What a run achieved. */
export interface TrainResult {
  history: History;
  /** Held-out perplexity of the untrained model (about the vocabulary size). */
  initialPerplexity: number;
  /** Held-out perplexity after each epoch. */
  heldOutPerplexity: number[];
  /** Mean training loss (cross-entropy per character, nats) of each epoch. */
  trainLoss: number[];
  model: CharLanguageModel;
  vocabulary: Vocabulary;
  /** The sample drawn after training (continuation of the prompt). */
  sample: string;
}

/** The model sizes the options describe. */
export function modelConfig(options: TrainOptions, vocabSize: number): ModelConfig {
  const { size, layers, dropout } = options;
  return options.model === 'lstm'
    ? { model: 'lstm', vocabSize, embeddingDim: size, hiddenSize: size, numLayers: layers, dropout }
    : {
        model: 'transformer',
        vocabSize,
        dModel: size,
        nhead: options.heads,
        numLayers: layers,
        dimFeedforward: 4 * size,
        dropout,
        contextLength: options.seqLen,
      };
}

/** Cross-entropy per character between logits `[batch, seq, vocab]` and ids `[batch, seq]`. */
function nextCharLoss(logits: Tensor, target: Tensor): Tensor {
  return F.crossEntropy(logits.reshape(-1, logits.shape[2]!), target.reshape(-1));
}

/**
 * Trains a character language model on a text with @nn/train's `fit` (Adam under OneCycleLR, gradient
 * clipping, a progress bar), reports held-out perplexity per epoch, saves the weights and prints a sample.
 */
export async function trainCharLm(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? process.stdout;
  manualSeed(options.seed);
  const corpus = splitCorpus(await readText(options.text), options.heldOut);
  const train = corpus.train.subarray(0, options.trainChars ?? corpus.train.length);
  const heldOut = corpus.heldOut.subarray(0, options.evalChars ?? corpus.heldOut.length);
  const trainData = nextCharWindows(train, options.seqLen);
  const heldOutData = nextCharWindows(heldOut, options.seqLen);
  const model = buildModel(modelConfig(options, corpus.vocabulary.size));
  const parameterCount = model.parameters().reduce((n, p) => n + p.numel(), 0);
  log.write(
    `${options.model}: ${parameterCount} parameters, ${corpus.vocabulary.size} characters; ` +
      `${train.length} training characters (${trainData[0].shape[0]} sequences of ${options.seqLen}), ${heldOut.length} held out\n`,
  );
  const initial = await evaluate(model, {
    data: heldOutData,
    metrics: [new Perplexity()],
    batchSize: options.batchSize,
  });
  const initialPerplexity = initial.perplexity!;
  log.write(`held-out perplexity before training: ${initialPerplexity.toFixed(2)}\n`);
  const history = await fit(model, {
    data: trainData,
    validationData: heldOutData,
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed: options.seed,
    optimizer: (parameters) => new Adam(parameters, { lr: options.lr }),
    scheduler: (optimizer, plan) =>
      new lrScheduler.OneCycleLR(optimizer, {
        maxLr: options.lr,
        epochs: plan.epochs,
        stepsPerEpoch: plan.stepsPerEpoch!,
      }),
    loss: nextCharLoss,
    metrics: [new Perplexity()],
    ...(options.clip > 0 ? { clipGradNorm: options.clip } : {}),
    callbacks: [new ProgressBar({ stream: log })],
    verbose: 0,
  });
  const heldOutPerplexity = history.get('val_perplexity');
  log.write(`held-out perplexity per epoch: ${heldOutPerplexity.map((p) => p.toFixed(2)).join(', ')}\n`);
  if (options.weights) {
    await saveCharLm(options.weights, model, corpus.vocabulary);
    log.write(`saved weights to ${options.weights}\n`);
  }
  const sample = sampleText(model, corpus.vocabulary, {
    ...options.sample,
    generator: new Generator(options.seed),
  });
  log.write(`sample (temperature ${options.sample.temperature}):\n${options.sample.prompt}${sample}\n`);
  return {
    history,
    initialPerplexity,
    heldOutPerplexity,
    trainLoss: history.get('loss'),
    model,
    vocabulary: corpus.vocabulary,
    sample,
  };
}
