import type { DType } from '../dtype';

/** Attributes every elementwise kernel receives; the op layer has already decided the result dtype. */
export interface ElementwiseAttrs {
  /** Result dtype. */
  dtype: DType;
  /** `alpha` of add/sub, `value` of addcmul/addcdiv, `eps` of logit (negative: none). */
  scalar?: number;
  /** A second scalar: hardtanh's max, threshold's replacement value. */
  scalar2?: number;
}
