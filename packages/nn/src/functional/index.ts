// `F`: the stateless forms of the layers and losses, named as torch.nn.functional in camelCase.
export * from './activation';
export * from './attention';
export * from './conv';
export * from './dropout';
export * from './embedding';
export * from './linear';
export * from './loss';
export * from './normalization';
export * from './pooling';
export * from './softmax';
