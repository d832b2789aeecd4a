import { tensor, ValueError } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, lrScheduler, SGD } from '../src';

const { CosineAnnealingLR, ReduceLROnPlateau, StepLR } = lrScheduler;
const params = () => [tensor([1.5, 2], { requiresGrad: true })];

describe('optimizers and schedulers reject unknown options', () => {
  it('Adam names the misspelled option and the one meant; the right one works', () => {
    expect(() => new Adam(params(), { weight_decay: 0.1 } as never)).toThrow(ValueError);
    expect(() => new Adam(params(), { weight_decay: 0.1 } as never)).toThrow(
      "Adam: unknown option 'weight_decay'; did you mean 'weightDecay'?",
    );
    expect(new Adam(params(), { weightDecay: 0.1 }).defaults.weightDecay).toBe(0.1);
    expect(() => new SGD(params(), { lr: 0.1, nesterov: true, momentum: 0.9, moment: 1 } as never)).toThrow(
      "SGD: unknown option 'moment'; did you mean 'momentum'?",
    );
    expect(() => new Adam(params(), true as never)).toThrow('Adam: expected an options object');
  });

  it('checks parameter groups too', () => {
    expect(() => new Adam([{ params: params(), learning_rate: 1 } as never])).toThrow(
      "Adam param group: unknown option 'learning_rate'",
    );
    const opt = new Adam([{ params: params(), lr: 0.5 }]);
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
  });

  it('Adam([1, 2, 3]) says what params must be', () => {
    expect(() => new Adam([1, 2, 3] as never)).toThrow(
      'Adam: params must be an iterable of Tensors or of parameter groups { params, ...options }, but element 0 is number 1',
    );
  });

  it('StepLR({ step_size }) and CosineAnnealingLR({ T_max }) are errors, not a schedule that never decays or NaN', () => {
    const opt = new SGD(params(), { lr: 1 });
    expect(() => new StepLR(opt, { step_size: 2 } as never)).toThrow(
      "StepLR: unknown option 'step_size'; did you mean 'stepSize'?",
    );
    expect(() => new CosineAnnealingLR(opt, { T_max: 10 } as never)).toThrow(
      "CosineAnnealingLR: unknown option 'T_max'; did you mean 'TMax'?",
    );
    expect(() => new ReduceLROnPlateau(opt, { patiense: 3 } as never)).toThrow("did you mean 'patience'?");
    const step = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    step.step();
    step.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.5);
  });
});
