// The public face of @nn/nn: re-exports only. Nothing is exported until its issue lands.
export {};
