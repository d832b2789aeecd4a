// The public face of @nn/optim: re-exports only. Nothing is exported until its issue lands.
export {};
