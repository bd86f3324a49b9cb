/**
 * The bandit kernels of wasm/bandit.ts behind the `BanditKernels` contract. No DOM and no Node APIs:
 * the worker passes fetched bytes or a compiled module (src/worker/bandit-kernels.ts), the CLI file
 * bytes (src/cli/bandit-kernels-node.ts).
 */
import { VitrineError } from '../errors.ts';
import type { WasmMemory, WasmModule, WasmNamespace, WasmSource } from '../kernels/wasm-api.ts';
import type { SeededRandom } from '../random.ts';
import { checkArms, checkLinTs, checkUpdate, type BanditKernels } from './kernels.ts';
import type { LinTsState } from './lin-ts.ts';
import { posteriorMeans, slateFromDraws, type BetaArm } from './thompson.ts';

// Type-only imports from ../kernels: the worker's lazy bandit chunk then needs nothing more from the
// worker file every page loads (each shared value would add an export there; it has no bytes to spare).
const PAGE_BYTES = 65536;

/** The exports of wasm/bandit.ts: numbers and pointers only; draw kernels return the advanced mulberry32 state. */
interface BanditExports {
  memory: WasmMemory;
  heapBase(): number;
  thompsonDraws(state: number, arms: number, alphas: number, betas: number, out: number): number;
  linTsDraws(state: number, arms: number, dims: number, scale: number, inverse: number, b: number, x: number, out: number): number;
  linTsMeans(arms: number, dims: number, inverse: number, b: number, x: number, out: number): void;
  linTsUpdate(dims: number, inverse: number, b: number, x: number, reward: number, scratch: number): void;
}

/**
 * Memory layout: each call copies its inputs in at `base = align16(__heap_base)` (below it is the
 * module's static data; the `stub` runtime never allocates) as consecutive f64 regions, each
 * 16-byte aligned, runs the kernel, and copies the results out (returned arrays are the caller's):
 *
 *   Thompson, n arms:        alphas n | betas n | draws n
 *   LinTS draws/means:       inverse arms·d·d | b arms·d | x d | scores arms
 *   LinTS update (one arm):  inverse d·d | b d | x d | scratch d (A⁻¹x)
 *
 * Memory grows (never shrinks) to the largest call so far: 50 arms at d = 16 is 108 KB, 2 pages.
 * The f64 view is re-taken after growth, which detaches the old `memory.buffer`.
 */
class WasmBanditKernels implements BanditKernels {
  private view: Float64Array;
  private readonly base: number;

  constructor(
    readonly impl: 'wasm-simd' | 'wasm',
    private readonly x: BanditExports,
  ) {
    this.base = Math.ceil(x.heapBase() / 16) * 16;
    this.view = new Float64Array(x.memory.buffer);
  }

  /** Byte offsets of `sizes` consecutive f64 regions from `base`, with memory grown to hold them. */
  private regions(...sizes: number[]): number[] {
    let at = this.base;
    const offsets = sizes.map((size) => {
      const start = at;
      at += Math.ceil(size / 2) * 16;
      return start;
    });
    const memory = this.x.memory;
    const needPages = Math.ceil(at / PAGE_BYTES);
    const havePages = memory.buffer.byteLength / PAGE_BYTES;
    if (needPages > havePages) {
      try {
        memory.grow(needPages - havePages);
      } catch (error) {
        throw new VitrineError('WASM_UNAVAILABLE', `cannot grow bandit kernel memory to ${needPages} pages`, { reason: String(error) });
      }
    }
    if (this.view.buffer !== memory.buffer) this.view = new Float64Array(memory.buffer);
    return offsets;
  }

  private put(at: number, values: ArrayLike<number>): void {
    this.view.set(values, at / 8);
  }

  private take(at: number, length: number): Float64Array {
    return this.view.slice(at / 8, at / 8 + length);
  }

  drawRates(rng: SeededRandom, arms: readonly BetaArm[]): Float64Array {
    checkArms(arms);
    const n = arms.length;
    const [alphas, betas, out] = this.regions(n, n, n) as [number, number, number];
    const view = this.view;
    for (let i = 0; i < n; i++) {
      view[alphas / 8 + i] = arms[i]!.alpha;
      view[betas / 8 + i] = arms[i]!.beta;
    }
    rng.state = this.x.thompsonDraws(rng.state, n, alphas, betas, out) >>> 0;
    return this.take(out, n);
  }

  thompsonSlate(rng: SeededRandom, arms: readonly BetaArm[], k = 1) {
    checkArms(arms, k);
    return slateFromDraws(this.drawRates(rng, arms), posteriorMeans(arms), k);
  }

  /** Copies the whole state and x in; returns the offsets the LinTS kernels take. */
  private putLinTs(state: LinTsState, x: ArrayLike<number>): [number, number, number, number] {
    const { arms, dims } = state;
    const offsets = this.regions(arms * dims * dims, arms * dims, dims, arms) as [number, number, number, number];
    this.put(offsets[0], state.inverse);
    this.put(offsets[1], state.b);
    this.put(offsets[2], x);
    return offsets;
  }

  drawScores(rng: SeededRandom, state: LinTsState, x: ArrayLike<number>): Float64Array {
    checkLinTs(state, x);
    const [inverse, b, xAt, out] = this.putLinTs(state, x);
    rng.state = this.x.linTsDraws(rng.state, state.arms, state.dims, state.scale, inverse, b, xAt, out) >>> 0;
    return this.take(out, state.arms);
  }

  meanScores(state: LinTsState, x: ArrayLike<number>): Float64Array {
    checkLinTs(state, x);
    const [inverse, b, xAt, out] = this.putLinTs(state, x);
    this.x.linTsMeans(state.arms, state.dims, inverse, b, xAt, out);
    return this.take(out, state.arms);
  }

  updateLinTs(state: LinTsState, arm: number, x: ArrayLike<number>, reward: number): void {
    checkUpdate(state, arm, x, reward);
    const d = state.dims;
    const [inverse, b, xAt, scratch] = this.regions(d * d, d, d, d) as [number, number, number, number];
    // Only this arm's blocks travel: d·d + d values each way.
    const block = state.inverse.subarray(arm * d * d, (arm + 1) * d * d);
    const bBlock = state.b.subarray(arm * d, (arm + 1) * d);
    this.put(inverse, block);
    this.put(b, bBlock);
    this.put(xAt, x);
    this.x.linTsUpdate(d, inverse, b, xAt, reward, scratch);
    block.set(this.view.subarray(inverse / 8, inverse / 8 + d * d));
    bBlock.set(this.view.subarray(b / 8, b / 8 + d));
  }
}

/**
 * Bandit kernels from the bytes of bandit.simd.wasm (`impl` 'wasm-simd') or bandit.wasm ('wasm'),
 * or a module compiled from them. Fails with WASM_BLOCKED (a CSP refused compiling) or
 * WASM_UNAVAILABLE (no WebAssembly, bytes this engine does not validate, e.g. SIMD where it has none).
 */
export async function instantiateBanditKernels(source: WasmSource, impl: 'wasm-simd' | 'wasm'): Promise<BanditKernels> {
  const api = (globalThis as { WebAssembly?: WasmNamespace }).WebAssembly;
  if (!api) throw new VitrineError('WASM_UNAVAILABLE', 'this runtime has no WebAssembly');
  const isModule = source instanceof api.Module;
  // Validation is the SIMD feature test: bandit.simd.wasm validates exactly where v128 does.
  if (!isModule && !api.validate(source as ArrayBufferView)) {
    throw new VitrineError('WASM_UNAVAILABLE', `this engine cannot run the ${impl} bandit kernels`);
  }
  let module: WasmModule;
  try {
    module = isModule ? source : await api.compile(source as ArrayBufferView);
  } catch (error) {
    const text = String(error);
    const blocked = /unsafe-eval|Content Security Policy|Refused/i.test(text);
    throw new VitrineError(blocked ? 'WASM_BLOCKED' : 'WASM_UNAVAILABLE', `cannot compile the bandit kernels: ${text}`);
  }
  const exports = new api.Instance(module, {}).exports as unknown as BanditExports;
  return new WasmBanditKernels(impl, exports);
}
