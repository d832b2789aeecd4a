// `F`: the stateless forms of the layers and losses, named as torch.nn.functional in camelCase.
export * from './activation';
export * from './attention';
export * from './conv';
export * from './ctc-loss';
export * from './distance';
export * from './dropout';
export * from './embedding';
export * from './embedding-bag';
export * from './embedding-losses';
export * from './likelihood-losses';
export * from './linear';
export * from './loss';
export * from './multi-class-losses';
export * from './normalization';
export * from './padding';
export * from './pooling';
export * from './softmax';
