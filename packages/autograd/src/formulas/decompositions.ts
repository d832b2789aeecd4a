import { eye, linalg, matmul, NNError, type Tensor } from '@nn/tensor';
import type { FormulaTable } from '../formula';

// The formulas of PyTorch 1.13 (FunctionsManual.cpp) for real matrices; triangular solves are written
// with the inverse of the triangular factor.

/** Zeros in every position but the diagonal's, which keeps `x`'s (batched). */
function diagonalPart(x: Tensor): Tensor {
  const n = x.shape[x.ndim - 1]!;
  return x.mul(eye(n, n, { dtype: x.dtype, device: x.device }));
}

/** Batched diagonal matrices with `v` on the diagonal (torch.diag_embed). */
function diagEmbed(v: Tensor): Tensor {
  const n = v.shape[v.ndim - 1]!;
  return v.unsqueeze(-1).mul(eye(n, n, { dtype: v.dtype, device: v.device }));
}

/** `1 / (lambda_j - lambda_i)`-style denominators: `values[j] - values[i]` with 1 on the diagonal. */
function differences(values: Tensor): Tensor {
  const n = values.shape[values.ndim - 1]!;
  const e = values.unsqueeze(-2).sub(values.unsqueeze(-1));
  return e.add(eye(n, n, { dtype: values.dtype, device: values.device }));
}

/** Gradient formulas of inv, slogdet, cholesky, qr, eigh and svd (ops/decompositions.ts). */
export const decompositionFormulas: FormulaTable = {
  inv: (ctx) => {
    const out = ctx.save(ctx.outputs[0]!);
    return ([g]) => [
      () => {
        const t = out().mT;
        return matmul(matmul(t, g!), t).neg();
      },
    ];
  },
  // d logabsdet = tr(A⁻¹ dA): the gradient is g A⁻ᵀ (the sign is piecewise constant).
  slogdet: (ctx) => {
    const a = ctx.save(ctx.inputs[0]!);
    return ([, gLogabs]) => [() => gLogabs!.unsqueeze(-1).unsqueeze(-1).mul(linalg.inv(a()).mT)];
  },
  cholesky: (ctx) => {
    const out = ctx.save(ctx.outputs[0]!);
    const { upper } = ctx.attrs;
    return ([g]) => [
      () => {
        const l = upper ? out().mT : out();
        const gl = upper ? g!.mT : g!;
        const m = matmul(l.mT, gl).tril();
        const phi = m.sub(diagonalPart(m).mul(0.5));
        const lInv = linalg.inv(l);
        const ga = matmul(matmul(lInv.mT, phi), lInv);
        return ga.add(ga.mT).mul(0.5);
      },
    ];
  },
  qr: (ctx) => {
    const [q, r] = [ctx.save(ctx.outputs[0]!), ctx.save(ctx.outputs[1]!)];
    const { mode } = ctx.attrs;
    const [m, n] = ctx.inputs[0]!.shape.slice(-2) as [number, number];
    return ([gQ, gR]) => [
      () => {
        if (mode === 'r') {
          throw new NNError(
            'linalg.qr',
            "the derivative depends on Q, which is not computed when mode='r'; use mode='reduced'",
          );
        }
        if (m < n || (mode === 'complete' && m > n)) {
          throw new NNError(
            'linalg.qr',
            `the derivative is implemented for inputs with at least as many rows as columns ` +
              `(mode 'reduced', or 'complete' when square), got ${m} x ${n} with mode '${mode}'`,
          );
        }
        const x = matmul(gR!, r().mT).sub(matmul(q().mT, gQ!)).triu();
        const symmetric = x.add(x.mT).sub(diagonalPart(x));
        const ga = matmul(q(), symmetric).add(gQ!);
        return matmul(ga, linalg.inv(r()).mT);
      },
    ];
  },
  eigh: (ctx) => {
    const [values, vectors] = [ctx.save(ctx.outputs[0]!), ctx.save(ctx.outputs[1]!)];
    return ([gL, gV]) => [
      () => {
        const v = vectors();
        const vgv = matmul(v.mT, gV!);
        const skew = vgv.sub(vgv.mT).mul(0.5);
        const inner = skew.div(differences(values())).add(diagEmbed(gL!));
        return matmul(matmul(v, inner), v.mT);
      },
    ];
  },
  svd: (ctx) => {
    const [uFull, s, vhFull] = ctx.outputs.map((t) => ctx.save(t)) as [
      () => Tensor,
      () => Tensor,
      () => Tensor,
    ];
    const { fullMatrices } = ctx.attrs;
    const [m, n] = ctx.inputs[0]!.shape.slice(-2) as [number, number];
    return ([gUFull, gS, gVhFull]) => [
      () => {
        const k = Math.min(m, n);
        // Full factors: only their first k vectors carry gradient (PyTorch narrows them the same way).
        const narrowU = (t: Tensor) => (fullMatrices ? t.narrow(-1, 0, k) : t);
        const narrowVh = (t: Tensor) => (fullMatrices ? t.narrow(-2, 0, k) : t);
        const [u, vh, gU, gVh] = [narrowU(uFull()), narrowVh(vhFull()), narrowU(gUFull!), narrowVh(gVhFull!)];
        const sv = s();
        const skew = (a: Tensor) => a.sub(a.mT);
        const uhgu = skew(matmul(u.mT, gU));
        const vhgv = skew(matmul(vh, gVh.mT));
        const e = differences(sv.mul(sv));
        let ga = uhgu.mul(sv.unsqueeze(-2)).add(sv.unsqueeze(-1).mul(vhgv)).div(e).add(diagEmbed(gS!));
        if (m > n) {
          ga = matmul(u, ga);
          const gUSinv = gU.div(sv.unsqueeze(-2));
          ga = ga.add(gUSinv).sub(matmul(u, matmul(u.mT, gUSinv)));
          return matmul(ga, vh);
        }
        if (m < n) {
          ga = matmul(ga, vh);
          const sinvGVh = gVh.div(sv.unsqueeze(-1));
          ga = ga.add(sinvGVh).sub(matmul(matmul(sinvGVh, vh.mT), vh));
          return matmul(u, ga);
        }
        return matmul(u, matmul(ga, vh));
      },
    ];
  },
};
