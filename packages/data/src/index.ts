// The public face of @nn/data: re-exports only. Nothing is exported until its issue lands.
export {};
