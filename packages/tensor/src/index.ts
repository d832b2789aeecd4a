// The public face of @nn/tensor: re-exports only. Nothing is exported until its issue lands.
export {};
