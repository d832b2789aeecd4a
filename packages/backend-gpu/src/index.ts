// The public face of @nn/backend-gpu: re-exports only. Nothing is exported until its issue lands.
export {};
