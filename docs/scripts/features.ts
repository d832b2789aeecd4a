// The PyTorch 1.13 capabilities a port needs, one row each, and what of @nn provides them. Only the rows are
// written by hand (they are the question); whether a row is supported is found by feature-table.ts from the
// built packages' exports, the op table, the GPU coverage and the torch fixtures, never written here.

/** One capability of PyTorch 1.13. */
export interface FeatureRow {
  /** What PyTorch calls it. */
  torch: string;
  /**
   * The exports that provide it, as `package:path` (`nn:Upsample`, `nn:F.interpolate`, `tensor:linalg.inv`)
   * or `Tensor#method` for a tensor method; every one must exist for the row to count.
   */
  provides: readonly string[];
  /**
   * The torch-generated cases backing the row, each `pkg/file` (some case of
   * `packages/<pkg>/test/fixtures/<file>.jsonl`), `pkg/file#prefix` (a case there whose name starts with
   * `prefix`) or `#prefix` (in any fixture file); each must match. Empty only where torch has no numbers to
   * compare (a container, a file reader), and then `tested` says what the tests check instead.
   */
  fixtures: readonly string[];
  /** For rows without fixtures: what the tests check instead. */
  tested?: string;
}

/** Rows by category, in the order of the breadth issue. */
export const FEATURES: Readonly<Record<string, readonly FeatureRow[]>> = {
  dtypes: [
    {
      torch: 'torch.uint8',
      provides: ['Tensor#byte'],
      fixtures: ['tensor/dtypes#promotion', 'tensor/dtypes#conversions', 'tensor/dtypes#narrowArithmetic'],
    },
    {
      torch: 'torch.int8',
      provides: ['Tensor#char'],
      fixtures: ['tensor/dtypes#promotion', 'tensor/dtypes#conversions', 'tensor/dtypes#narrowArithmetic'],
    },
    {
      torch: 'torch.int16',
      provides: ['Tensor#short'],
      fixtures: ['tensor/dtypes#promotion', 'tensor/dtypes#conversions', 'tensor/dtypes#narrowArithmetic'],
    },
    {
      torch: 'torch.int64',
      provides: ['Tensor#long'],
      fixtures: [
        'tensor/dtypes#promotion',
        'tensor/dtypes#conversions',
        'tensor/dtypes#int64Arithmetic',
        'tensor/dtypes#sums',
      ],
    },
    {
      torch: 'torch.float16',
      provides: ['Tensor#half'],
      fixtures: ['tensor/dtypes#promotion', 'tensor/dtypes#conversions'],
    },
    {
      torch: 'torch.bfloat16',
      provides: ['Tensor#bfloat16'],
      fixtures: ['tensor/dtypes#promotion', 'tensor/dtypes#conversions'],
    },
  ],
  layers: [
    {
      torch: 'nn.Upsample, F.interpolate',
      provides: ['nn:Upsample', 'nn:F.interpolate'],
      fixtures: [
        'nn/spatial-layers#upsample_bilinear',
        'nn/spatial-layers#upsample_bicubic',
        'nn/spatial-layers#upsample_nearest_exact',
      ],
    },
    {
      torch: 'nn.ConvTranspose1d',
      provides: ['nn:ConvTranspose1d', 'nn:F.convTranspose1d'],
      fixtures: ['#conv_transpose1d'],
    },
    { torch: 'nn.Conv3d', provides: ['nn:Conv3d', 'nn:F.conv3d'], fixtures: ['#conv3d'] },
    { torch: 'nn.MaxPool1d', provides: ['nn:MaxPool1d', 'nn:F.maxPool1d'], fixtures: ['#max_pool1d'] },
    { torch: 'nn.AvgPool1d', provides: ['nn:AvgPool1d', 'nn:F.avgPool1d'], fixtures: ['#avg_pool1d'] },
    {
      torch: 'nn.AdaptiveAvgPool1d',
      provides: ['nn:AdaptiveAvgPool1d', 'nn:F.adaptiveAvgPool1d'],
      fixtures: ['#adaptive_avg_pool1d'],
    },
    {
      torch: 'nn.AdaptiveMaxPool1d',
      provides: ['nn:AdaptiveMaxPool1d', 'nn:F.adaptiveMaxPool1d'],
      fixtures: ['#adaptive_max_pool1d'],
    },
    {
      torch: 'nn.AdaptiveMaxPool2d',
      provides: ['nn:AdaptiveMaxPool2d', 'nn:F.adaptiveMaxPool2d'],
      fixtures: ['#adaptive_max_pool2d'],
    },
    { torch: 'nn.MaxPool3d', provides: ['nn:MaxPool3d', 'nn:F.maxPool3d'], fixtures: ['#max_pool3d'] },
    { torch: 'nn.AvgPool3d', provides: ['nn:AvgPool3d', 'nn:F.avgPool3d'], fixtures: ['#avg_pool3d'] },
    {
      torch: 'nn.MaxUnpool2d',
      provides: ['nn:MaxUnpool2d', 'nn:F.maxUnpool2d'],
      fixtures: ['#max_unpool2d'],
    },
    { torch: 'nn.LPPool2d', provides: ['nn:LPPool2d', 'nn:F.lpPool2d'], fixtures: ['#lp_pool2d'] },
    {
      torch: 'nn.InstanceNorm1d',
      provides: ['nn:InstanceNorm1d', 'nn:F.instanceNorm'],
      fixtures: ['#instance_norm1d'],
    },
    {
      torch: 'nn.InstanceNorm2d',
      provides: ['nn:InstanceNorm2d', 'nn:F.instanceNorm'],
      fixtures: ['#instance_norm2d'],
    },
    { torch: 'nn.BatchNorm3d', provides: ['nn:BatchNorm3d'], fixtures: ['#batch_norm3d'] },
    {
      torch: 'nn.LocalResponseNorm',
      provides: ['nn:LocalResponseNorm', 'nn:F.localResponseNorm'],
      fixtures: ['#local_response_norm'],
    },
    {
      torch: 'nn.PixelShuffle',
      provides: ['nn:PixelShuffle', 'nn:F.pixelShuffle'],
      fixtures: ['#pixel_shuffle'],
    },
    {
      torch: 'nn.PixelUnshuffle',
      provides: ['nn:PixelUnshuffle', 'nn:F.pixelUnshuffle'],
      fixtures: ['#pixel_unshuffle'],
    },
    { torch: 'nn.Fold, F.fold', provides: ['nn:Fold', 'nn:F.fold'], fixtures: ['#fold'] },
    { torch: 'nn.Unfold, F.unfold', provides: ['nn:Unfold', 'nn:F.unfold'], fixtures: ['#unfold'] },
    { torch: 'nn.ZeroPad2d', provides: ['nn:ZeroPad2d'], fixtures: ['#zero_pad2d'] },
    {
      torch: 'nn.ConstantPad1d/2d/3d',
      provides: ['nn:ConstantPad1d', 'nn:ConstantPad2d', 'nn:ConstantPad3d'],
      fixtures: ['#constant_pad'],
    },
    {
      torch: 'nn.ReflectionPad1d/2d',
      provides: ['nn:ReflectionPad1d', 'nn:ReflectionPad2d'],
      fixtures: ['#reflection_pad'],
    },
    {
      torch: 'nn.ReplicationPad1d/2d/3d',
      provides: ['nn:ReplicationPad1d', 'nn:ReplicationPad2d', 'nn:ReplicationPad3d'],
      fixtures: ['#replication_pad'],
    },
    {
      torch: 'nn.ParameterList',
      provides: ['nn:ParameterList'],
      fixtures: [],
      tested: 'stateDict keys, parameters() order, optimizer updates',
    },
    {
      torch: 'nn.ParameterDict',
      provides: ['nn:ParameterDict'],
      fixtures: [],
      tested: 'stateDict keys, parameters() order, optimizer updates',
    },
    {
      torch: 'nn.EmbeddingBag',
      provides: ['nn:EmbeddingBag', 'nn:F.embeddingBag'],
      fixtures: ['#embedding_bag'],
    },
    {
      torch: 'nn.AlphaDropout',
      provides: ['nn:AlphaDropout', 'nn:F.alphaDropout'],
      fixtures: [],
      tested: 'mean and variance kept, eval identity (random draws differ from torch)',
    },
    {
      torch: 'nn.CosineSimilarity',
      provides: ['nn:CosineSimilarity', 'nn:F.cosineSimilarity'],
      fixtures: ['#cosine_similarity'],
    },
    {
      torch: 'nn.PairwiseDistance',
      provides: ['nn:PairwiseDistance', 'nn:F.pairwiseDistance'],
      fixtures: ['#pairwise_distance'],
    },
  ],
  activations: [
    { torch: 'nn.ReLU6', provides: ['nn:ReLU6', 'nn:F.relu6'], fixtures: ['#relu6'] },
    { torch: 'nn.Hardswish', provides: ['nn:Hardswish', 'nn:F.hardswish'], fixtures: ['#hardswish'] },
    { torch: 'nn.Hardsigmoid', provides: ['nn:Hardsigmoid', 'nn:F.hardsigmoid'], fixtures: ['#hardsigmoid'] },
    { torch: 'nn.GLU', provides: ['nn:GLU', 'nn:F.glu'], fixtures: ['#glu'] },
    { torch: 'nn.LogSigmoid', provides: ['nn:LogSigmoid', 'nn:F.logsigmoid'], fixtures: ['#logsigmoid'] },
    { torch: 'nn.Softsign', provides: ['nn:Softsign', 'nn:F.softsign'], fixtures: ['#softsign'] },
    { torch: 'nn.Tanhshrink', provides: ['nn:Tanhshrink', 'nn:F.tanhshrink'], fixtures: ['#tanhshrink'] },
    { torch: 'nn.Threshold', provides: ['nn:Threshold', 'nn:F.threshold'], fixtures: ['#threshold'] },
    { torch: 'nn.Softmin', provides: ['nn:Softmin', 'nn:F.softmin'], fixtures: ['#softmin'] },
    { torch: 'nn.Softmax2d', provides: ['nn:Softmax2d'], fixtures: ['#softmax2d'] },
    { torch: 'nn.CELU', provides: ['nn:CELU', 'nn:F.celu'], fixtures: ['#celu'] },
    { torch: 'nn.RReLU', provides: ['nn:RReLU', 'nn:F.rrelu'], fixtures: ['#rrelu'] },
    { torch: 'nn.Hardshrink', provides: ['nn:Hardshrink', 'nn:F.hardshrink'], fixtures: ['#hardshrink'] },
    { torch: 'nn.Softshrink', provides: ['nn:Softshrink', 'nn:F.softshrink'], fixtures: ['#softshrink'] },
    { torch: 'nn.Mish', provides: ['nn:Mish', 'nn:F.mish'], fixtures: ['#mish'] },
    { torch: 'nn.SiLU', provides: ['nn:SiLU', 'nn:F.silu'], fixtures: ['#silu'] },
  ],
  losses: [
    { torch: 'nn.CTCLoss', provides: ['nn:CTCLoss', 'nn:F.ctcLoss'], fixtures: ['#ctc'] },
    {
      torch: 'nn.TripletMarginLoss',
      provides: ['nn:TripletMarginLoss', 'nn:F.tripletMarginLoss'],
      fixtures: ['#triplet_margin'],
    },
    {
      torch: 'nn.CosineEmbeddingLoss',
      provides: ['nn:CosineEmbeddingLoss', 'nn:F.cosineEmbeddingLoss'],
      fixtures: ['#cosine_embedding'],
    },
    {
      torch: 'nn.MarginRankingLoss',
      provides: ['nn:MarginRankingLoss', 'nn:F.marginRankingLoss'],
      fixtures: ['#margin_ranking'],
    },
    {
      torch: 'nn.GaussianNLLLoss',
      provides: ['nn:GaussianNLLLoss', 'nn:F.gaussianNllLoss'],
      fixtures: ['#gaussian_nll'],
    },
    {
      torch: 'nn.PoissonNLLLoss',
      provides: ['nn:PoissonNLLLoss', 'nn:F.poissonNllLoss'],
      fixtures: ['#poisson_nll'],
    },
    {
      torch: 'nn.MultiLabelSoftMarginLoss',
      provides: ['nn:MultiLabelSoftMarginLoss', 'nn:F.multilabelSoftMarginLoss'],
      fixtures: ['#multilabel_soft_margin'],
    },
    {
      torch: 'nn.MultiMarginLoss',
      provides: ['nn:MultiMarginLoss', 'nn:F.multiMarginLoss'],
      fixtures: ['#multi_margin'],
    },
    {
      torch: 'nn.MultiLabelMarginLoss',
      provides: ['nn:MultiLabelMarginLoss', 'nn:F.multilabelMarginLoss'],
      fixtures: ['#multilabel_margin'],
    },
    {
      torch: 'nn.HingeEmbeddingLoss',
      provides: ['nn:HingeEmbeddingLoss', 'nn:F.hingeEmbeddingLoss'],
      fixtures: ['#hinge_embedding'],
    },
    {
      torch: 'nn.SoftMarginLoss',
      provides: ['nn:SoftMarginLoss', 'nn:F.softMarginLoss'],
      fixtures: ['#soft_margin'],
    },
  ],
  'tensor ops': [
    {
      torch: 'torch.unique',
      provides: ['tensor:unique', 'Tensor#unique'],
      fixtures: ['tensor/ops-extended#unique'],
    },
    { torch: 'torch.bincount', provides: ['tensor:bincount'], fixtures: ['tensor/ops-extended#bincount'] },
    { torch: 'torch.histc', provides: ['tensor:histc'], fixtures: ['tensor/ops-extended#histc'] },
    {
      torch: 'torch.searchsorted',
      provides: ['tensor:searchsorted'],
      fixtures: ['tensor/ops-extended#searchsorted'],
    },
    { torch: 'torch.bucketize', provides: ['tensor:bucketize'], fixtures: ['tensor/ops-extended#bucketize'] },
    {
      torch: 'torch.median, nanmedian',
      provides: ['tensor:median', 'tensor:nanmedian'],
      fixtures: ['tensor/ops-extended#median', 'tensor/ops-extended#nanmedian'],
    },
    { torch: 'torch.quantile', provides: ['tensor:quantile'], fixtures: ['tensor/ops-extended#quantile'] },
    { torch: 'torch.mode', provides: ['tensor:mode'], fixtures: ['tensor/ops-extended#mode'] },
    { torch: 'torch.kthvalue', provides: ['tensor:kthvalue'], fixtures: ['tensor/ops-extended#kthvalue'] },
    {
      torch: 'torch.nansum, nanmean',
      provides: ['tensor:nansum', 'tensor:nanmean'],
      fixtures: ['tensor/ops-extended#nansum', 'tensor/ops-extended#nanmean'],
    },
    {
      torch: 'torch.cummax, cummin',
      provides: ['tensor:cummax', 'tensor:cummin'],
      fixtures: ['tensor/ops-extended#cummax', 'tensor/ops-extended#cummin'],
    },
    {
      torch: 'torch.logcumsumexp',
      provides: ['tensor:logcumsumexp'],
      fixtures: ['tensor/ops-extended#logcumsumexp'],
    },
    { torch: 'torch.diff', provides: ['tensor:diff'], fixtures: ['tensor/ops-extended#diff'] },
    {
      torch: 'torch.multinomial',
      provides: ['tensor:multinomial'],
      fixtures: [],
      tested: 'frequencies, with and without replacement (random draws differ from torch)',
    },
    {
      torch: 'torch.bernoulli',
      provides: ['tensor:bernoulli'],
      fixtures: [],
      tested: 'frequencies per probability (random draws differ from torch)',
    },
    {
      torch: 'torch.poisson',
      provides: ['tensor:poisson'],
      fixtures: [],
      tested: 'mean and variance per rate (random draws differ from torch)',
    },
    {
      torch: 'torch.normal (tensor mean/std)',
      provides: ['tensor:normal'],
      fixtures: [],
      tested: 'mean and std per element (random draws differ from torch)',
    },
    {
      torch: 'torch.nonzero, argwhere',
      provides: ['tensor:nonzero', 'tensor:argwhere'],
      fixtures: ['tensor/ops-extended#nonzero', 'tensor/ops-extended#argwhere'],
    },
    {
      torch: 'index_put_, advanced assignment',
      provides: ['Tensor#indexPut_', 'Tensor#set'],
      fixtures: ['tensor/ops-extended#indexPut'],
    },
    {
      torch: 'masked_scatter',
      provides: ['Tensor#maskedScatter'],
      fixtures: ['tensor/ops-extended#maskedScatter'],
    },
    {
      torch: 'torch.take, take_along_dim',
      provides: ['tensor:take', 'tensor:takeAlongDim'],
      fixtures: ['tensor/ops-extended#take', 'tensor/ops-extended#takeAlongDim'],
    },
    {
      torch: 'torch.allclose, isclose, equal',
      provides: ['tensor:allclose', 'tensor:isclose', 'tensor:equal'],
      fixtures: ['tensor/ops-extended#isclose', 'tensor/ops-extended#allclose', 'tensor/ops-extended#equal'],
    },
    {
      torch: 'torch.tril_indices, triu_indices',
      provides: ['tensor:trilIndices', 'tensor:triuIndices'],
      fixtures: ['tensor/ops-extended#trilIndices', 'tensor/ops-extended#triuIndices'],
    },
    {
      torch: 'torch.cartesian_prod',
      provides: ['tensor:cartesianProd'],
      fixtures: ['tensor/ops-extended#cartesianProd'],
    },
    { torch: 'torch.meshgrid', provides: ['tensor:meshgrid'], fixtures: ['tensor/ops-extended#meshgrid'] },
    { torch: 'torch.cdist', provides: ['tensor:cdist'], fixtures: ['tensor/ops-extended#cdist'] },
    { torch: 'torch.cross', provides: ['tensor:cross'], fixtures: ['tensor/ops-extended#cross'] },
    { torch: 'torch.kron', provides: ['tensor:kron'], fixtures: ['tensor/ops-extended#kron'] },
    {
      torch: 'torch.block_diag',
      provides: ['tensor:blockDiag'],
      fixtures: ['tensor/ops-extended#blockDiag'],
    },
  ],
  'torch.linalg': [
    { torch: 'linalg.inv', provides: ['tensor:linalg.inv'], fixtures: ['tensor/ops-extended#linalg.inv'] },
    {
      torch: 'linalg.solve',
      provides: ['tensor:linalg.solve'],
      fixtures: ['tensor/ops-extended#linalg.solve'],
    },
    { torch: 'linalg.det', provides: ['tensor:linalg.det'], fixtures: ['tensor/ops-extended#linalg.det'] },
    {
      torch: 'linalg.slogdet',
      provides: ['tensor:linalg.slogdet'],
      fixtures: ['tensor/ops-extended#linalg.slogdet'],
    },
    {
      torch: 'linalg.cholesky',
      provides: ['tensor:linalg.cholesky'],
      fixtures: ['tensor/ops-extended#linalg.cholesky'],
    },
    { torch: 'linalg.qr', provides: ['tensor:linalg.qr'], fixtures: ['tensor/ops-extended#linalg.qr'] },
    { torch: 'linalg.svd', provides: ['tensor:linalg.svd'], fixtures: ['tensor/ops-extended#linalg.svd'] },
    { torch: 'linalg.eigh', provides: ['tensor:linalg.eigh'], fixtures: ['tensor/ops-extended#linalg.eigh'] },
    {
      torch: 'linalg.eigvalsh',
      provides: ['tensor:linalg.eigvalsh'],
      fixtures: ['tensor/ops-extended#linalg.eigvalsh'],
    },
    {
      torch: 'linalg.norm, vector_norm, matrix_norm',
      provides: ['tensor:linalg.norm', 'tensor:linalg.vectorNorm', 'tensor:linalg.matrixNorm'],
      fixtures: [
        'tensor/ops-extended#linalg.norm',
        'tensor/ops-extended#linalg.vectorNorm',
        'tensor/ops-extended#linalg.matrixNorm',
      ],
    },
    { torch: 'linalg.pinv', provides: ['tensor:linalg.pinv'], fixtures: ['tensor/ops-extended#linalg.pinv'] },
    {
      torch: 'linalg.lstsq',
      provides: ['tensor:linalg.lstsq'],
      fixtures: ['tensor/ops-extended#linalg.lstsq'],
    },
    {
      torch: 'linalg.matrix_power',
      provides: ['tensor:linalg.matrixPower'],
      fixtures: ['tensor/ops-extended#linalg.matrixPower'],
    },
  ],
  optimizers: [
    { torch: 'optim.RAdam', provides: ['optim:RAdam'], fixtures: ['#RAdam/'] },
    { torch: 'optim.Adadelta', provides: ['optim:Adadelta'], fixtures: ['#Adadelta/'] },
    { torch: 'optim.Rprop', provides: ['optim:Rprop'], fixtures: ['#Rprop/'] },
    { torch: 'optim.ASGD', provides: ['optim:ASGD'], fixtures: ['#ASGD/'] },
    { torch: 'optim.LBFGS (strong Wolfe)', provides: ['optim:LBFGS'], fixtures: ['optim/lbfgs'] },
    { torch: 'optim.SparseAdam', provides: ['optim:SparseAdam'], fixtures: ['optim/sparse-adam'] },
    {
      torch: 'optim.swa_utils',
      provides: ['nn:swaUtils.AveragedModel', 'nn:swaUtils.updateBn', 'optim:lrScheduler.SWALR'],
      fixtures: ['nn/swa-utils', 'optim/lr-scheduler#SWALR'],
    },
  ],
  autograd: [
    {
      torch: 'autograd.functional.jacobian',
      provides: ['autograd:functional.jacobian'],
      fixtures: ['autograd/functional'],
    },
    {
      torch: 'autograd.functional.hessian',
      provides: ['autograd:functional.hessian'],
      fixtures: ['autograd/functional'],
    },
    {
      torch: 'autograd.functional.vjp',
      provides: ['autograd:functional.vjp'],
      fixtures: ['autograd/functional'],
    },
    {
      torch: 'autograd.functional.jvp',
      provides: ['autograd:functional.jvp'],
      fixtures: ['autograd/functional'],
    },
    {
      torch: 'utils.checkpoint',
      provides: ['nn:utils.checkpoint'],
      fixtures: [],
      tested: 'same gradients as without checkpointing, fewer saved tensors, RNG state replayed',
    },
    {
      torch: 'autograd.detect_anomaly',
      provides: ['autograd:detectAnomaly'],
      fixtures: [],
      tested: 'the error names the op whose backward made NaN and where it was created',
    },
    {
      torch: 'Module.register_full_backward_hook',
      provides: ['nn:Module#registerFullBackwardHook'],
      fixtures: [],
      tested: 'grad_input and grad_output against closed forms, replacement, removal, inputs without grad',
    },
  ],
  'nn.utils': [
    {
      torch: 'nn.utils.weight_norm',
      provides: ['nn:utils.weightNorm', 'nn:utils.removeWeightNorm'],
      fixtures: ['#weight_norm'],
    },
    {
      torch: 'nn.utils.spectral_norm',
      provides: ['nn:utils.spectralNorm', 'nn:utils.removeSpectralNorm'],
      fixtures: ['#spectral_norm'],
    },
    {
      torch: 'nn.utils.parametrize',
      provides: [
        'nn:utils.parametrize.registerParametrization',
        'nn:utils.parametrize.removeParametrizations',
      ],
      fixtures: ['#parametrize'],
    },
    {
      torch: 'nn.utils.prune',
      provides: [
        'nn:utils.prune.l1Unstructured',
        'nn:utils.prune.randomUnstructured',
        'nn:utils.prune.remove',
      ],
      fixtures: ['#prune'],
    },
  ],
  data: [
    {
      torch: 'data.ChainDataset',
      provides: ['data:ChainDataset'],
      fixtures: [],
      tested: 'items of each dataset in turn, as torch',
    },
    {
      torch: 'data.DistributedSampler',
      provides: ['data:DistributedSampler'],
      fixtures: ['data/image-ops#distributed'],
    },
    { torch: 'transforms.Resize', provides: ['data:Resize'], fixtures: ['data/image-ops#imageOps'] },
    { torch: 'transforms.CenterCrop', provides: ['data:CenterCrop'], fixtures: ['data/image-ops#imageOps'] },
    {
      torch: 'transforms.RandomResizedCrop',
      provides: ['data:RandomResizedCrop'],
      fixtures: ['data/image-ops#imageOps'],
    },
    {
      torch: 'transforms.RandomRotation',
      provides: ['data:RandomRotation'],
      fixtures: ['data/image-ops#imageOps'],
    },
    {
      torch: 'transforms.ColorJitter',
      provides: ['data:ColorJitter'],
      fixtures: ['data/image-ops#imageOps'],
    },
    {
      torch: 'transforms.RandomErasing',
      provides: ['data:RandomErasing'],
      fixtures: ['data/image-ops#imageOps'],
    },
    {
      torch: 'datasets.ImageFolder',
      provides: ['data/node:ImageFolder'],
      fixtures: [],
      tested: 'PNG and JPEG files the test writes, classes from folder names',
    },
    {
      torch: 'datasets.CIFAR10 (binary format)',
      provides: ['data/node:CIFAR10', 'data:readCifar10'],
      fixtures: [],
      tested: 'files the test writes in the CIFAR-10 binary format; truncated files',
    },
  ],
};
