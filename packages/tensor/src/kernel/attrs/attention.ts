/** Attributes of the fused scaled-dot-product attention kernels (the front-end has resolved the defaults). */
export interface AttentionAttrs {
  /** Multiplies `query @ key^T` before the mask is added (default `1 / sqrt(E)`). */
  scale: number;
  /** Query `i` sees keys `j <= i` only (a top-left aligned lower-triangular mask, as torch 2.x). */
  isCausal: boolean;
}
