// The public face of @nn/autograd: re-exports only. Nothing is exported until its issue lands.
export {};
