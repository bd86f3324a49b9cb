// Placeholder until the kernels land; replaced by the real SIMD kernels.
export function version(): i32 { return 0; }
