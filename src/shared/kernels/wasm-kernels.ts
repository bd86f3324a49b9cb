/**
 * Loads the AssemblyScript kernels (wasm/kernels.ts) from bytes or a compiled module and wraps them
 * in the `Kernels` contract. No DOM and no Node APIs here: the worker passes a fetched module, the
 * CLI passes file bytes (src/cli/kernels-node.ts).
 */
import type { EmbeddingMatrix } from '../bundle/types.ts';
import { VitrineError } from '../errors.ts';
import { simdSupported } from './simd.ts';
import type { KernelImpl, Kernels, TopK } from './types.ts';
import { checkMatrix, checkMmr, checkQuery, checkSlot, checkTopK, checkWeights } from './validate.ts';
import { WASM_PAGE_BYTES, wasmApi, type WasmMemory, type WasmModule, type WasmSource } from './wasm-api.ts';

/** The exports of wasm/kernels.ts: numbers and pointers only. */
interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  rowAlign(): number;
  f32DimAlign(): number;
  i8DimAlign(): number;
  scoreF32(mat: number, rowsP: number, dimP: number, query: number, out: number): void;
  quantizeQuery(query: number, dimP: number, q16: number, qmax: number): number;
  scoreI8(mat: number, scales: number, rowsP: number, dimP: number, q16: number, qs: number, out: number): void;
  combine(slots: number, strideBytes: number, slotCount: number, weights: number, count: number, into: number, rowsP: number): void;
  topK(scores: number, rows: number, k: number, hasMask: number, mask: number, outIdx: number, outScores: number): number;
  mmr(
    mat: number,
    scales: number,
    isI8: number,
    rows: number,
    dimP: number,
    cand: number,
    rel: number,
    m: number,
    k: number,
    lambda: number,
    maxSim: number,
    done: number,
    out: number,
  ): number;
}

/** Must equal ROW_ALIGN, F32_DIM_ALIGN and I8_DIM_ALIGN in wasm/kernels.ts (checked at load). */
const ROW_ALIGN = 8;
const F32_DIM_ALIGN = 8;
const I8_DIM_ALIGN = 16;

const align = (value: number, to: number): number => Math.ceil(value / to) * to;

/**
 * Byte offsets of every region in kernel memory for one matrix. See the layout comment in
 * `WasmKernels.setMatrix`.
 */
interface Layout {
  rowsP: number;
  dimP: number;
  mat: number;
  scales: number;
  query: number;
  q16: number;
  slots: number;
  slotStride: number;
  weights: number;
  mask: number;
  topIdx: number;
  topScores: number;
  mmrCand: number;
  mmrRel: number;
  mmrMaxSim: number;
  mmrOut: number;
  mmrDone: number;
  end: number;
}

/** Computes the layout of a rows x dim matrix of `dtype` with `slotCount` score slots above `base`. */
export function computeLayout(base: number, rows: number, dim: number, dtype: 'f32' | 'i8', slotCount: number): Layout {
  const rowsP = align(rows, ROW_ALIGN);
  const dimP = align(dim, dtype === 'f32' ? F32_DIM_ALIGN : I8_DIM_ALIGN);
  let at = align(base, 16);
  // Bump allocator over 16-byte aligned regions.
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes, 16);
    return start;
  };
  const mat = take(rowsP * dimP * (dtype === 'f32' ? 4 : 1));
  const scales = take(dtype === 'i8' ? rowsP * 4 : 0);
  const query = take(dimP * 4);
  const q16 = take(dtype === 'i8' ? dimP * 2 : 0);
  const slotStride = rowsP * 4;
  const slots = take(slotStride * slotCount);
  const weights = take(slotCount * 4);
  const mask = take(rowsP / 8);
  const topIdx = take(rows * 4);
  const topScores = take(rows * 4);
  const mmrCand = take(rows * 4);
  const mmrRel = take(rows * 4);
  const mmrMaxSim = take(rows * 4);
  const mmrOut = take(rows * 4);
  const mmrDone = take(rows);
  return {
    rowsP,
    dimP,
    mat,
    scales,
    query,
    q16,
    slots,
    slotStride,
    weights,
    mask,
    topIdx,
    topScores,
    mmrCand,
    mmrRel,
    mmrMaxSim,
    mmrOut,
    mmrDone,
    end: at,
  };
}

/** Typed views over the current `memory.buffer`; rebuilt whenever the buffer changes (growth). */
interface Views {
  buffer: ArrayBuffer;
  bytes: Uint8Array;
  query: Float32Array;
  slots: Float32Array[];
  weights: Float32Array;
  mask: Uint8Array;
  topIdx: Int32Array;
  topScores: Float32Array;
  mmrCand: Int32Array;
  mmrRel: Float32Array;
  mmrOut: Int32Array;
}

/** Reads an AssemblyScript string (UTF-16LE, byte length in the u32 just before it). */
function readAsString(memory: WasmMemory, ptr: number): string {
  if (!ptr) return '';
  const buffer = memory.buffer;
  if (ptr < 4 || ptr > buffer.byteLength) return `<bad string pointer ${ptr}>`;
  const length = new Uint32Array(buffer, ptr - 4, 1)[0]! >>> 1;
  const units = new Uint16Array(buffer, ptr, Math.min(length, (buffer.byteLength - ptr) >>> 1));
  return String.fromCharCode(...units);
}

class WasmKernels implements Kernels {
  rows = 0;
  dim = 0;
  private dtype: 'f32' | 'i8' = 'f32';
  private layout: Layout | null = null;
  private slotCount = 0;
  private qmax = 0;
  private views: Views | null = null;

  constructor(
    readonly impl: 'wasm-simd' | 'wasm',
    private readonly x: KernelExports,
    readonly renew: () => Kernels,
  ) {}

  /**
   * Kernel memory layout, in bytes from `base = align16(__heap_base)` (everything below is the
   * kernels' static data; the `stub` runtime never allocates, so the loader owns the rest):
   *
   *   rowsP = ceil(rows / 8) * 8      zero rows pad the scan to whole 4-row blocks and 8-row mask bytes
   *   dimP  = ceil(dim / 8) * 8 (f32) | ceil(dim / 16) * 16 (i8)   zero columns: no tail loops
   *
   *   mat        rowsP * dimP * 4 (f32) | rowsP * dimP (i8)   row r at mat + r * rowBytes
   *   scales     rowsP * 4 (i8 only)
   *   query      dimP * 4                                     f32, padding stays 0
   *   q16        dimP * 2 (i8 only)                           the query quantized to i16
   *   slots      slotCount * rowsP * 4                        slot s at slots + s * rowsP * 4
   *   weights    slotCount * 4                                combine weights
   *   mask       rowsP / 8                                    copy of the topK allow mask
   *   topIdx, topScores       rows * 4 each                   top-k heap, then its sorted result (k <= rows)
   *   mmrCand, mmrRel, mmrMaxSim, mmrOut   rows * 4 each      MMR input copies, scratch and result (m <= rows)
   *   mmrDone    rows                                         MMR picked flags
   *
   * Every region starts 16-byte aligned. Pages needed = ceil(end / 65536); memory grows here and
   * only here (never during a query), and the JS views are re-taken after growth because growing
   * detaches the old `memory.buffer`. E.g. 100000 x 64 f32 with 4 slots: 25.6 MB matrix + 1.6 MB
   * slots + 2.8 MB top-k/MMR = about 30 MB = 458 pages.
   */
  setMatrix(matrix: EmbeddingMatrix, options?: { scoreSlots?: number }): void {
    const slotCount = checkMatrix(matrix, options);
    const { rows, dim, dtype } = matrix;
    const layout = computeLayout(this.x.heapBase(), rows, dim, dtype, slotCount);
    const memory = this.x.memory;
    const needPages = Math.ceil(layout.end / WASM_PAGE_BYTES);
    const havePages = memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (needPages > havePages) {
      try {
        memory.grow(needPages - havePages);
      } catch (error) {
        throw new VitrineError('WASM_UNAVAILABLE', `cannot grow kernel memory to ${needPages} pages`, {
          rows,
          dim,
          reason: String(error),
        });
      }
    }
    // Regions may hold an older, larger matrix: clear everything the kernels read as padding.
    const bytes = new Uint8Array(memory.buffer);
    bytes.fill(0, layout.mat, layout.end);
    const { rowsP, dimP } = layout;
    // Rows are copied in the matrix's own element type; padding columns stay zero.
    const dst = new (dtype === 'f32' ? Float32Array : Int8Array)(memory.buffer, layout.mat, rowsP * dimP);
    if (dimP === dim) dst.set(matrix.data);
    else for (let r = 0; r < rows; r++) dst.set(matrix.data.subarray(r * dim, (r + 1) * dim), r * dimP);
    if (matrix.dtype === 'i8') new Float32Array(memory.buffer, layout.scales, rows).set(matrix.scales);
    this.layout = layout;
    this.slotCount = slotCount;
    this.rows = rows;
    this.dim = dim;
    this.dtype = dtype;
    // Largest i16 query magnitude for which dimP * 128 * qmax stays inside an i32 accumulator.
    this.qmax = Math.min(32767, Math.floor(0x7fffffff / (128 * dimP)));
    this.views = null;
  }

  /** Current views; re-taken when `memory.buffer` changed (it is replaced on every growth). */
  private v(): Views {
    const buffer = this.x.memory.buffer;
    if (this.views && this.views.buffer === buffer) return this.views;
    const l = this.requireLayout();
    const rows = this.rows;
    this.views = {
      buffer,
      bytes: new Uint8Array(buffer),
      query: new Float32Array(buffer, l.query, this.dim),
      slots: Array.from({ length: this.slotCount }, (_, s) => new Float32Array(buffer, l.slots + s * l.slotStride, rows)),
      weights: new Float32Array(buffer, l.weights, this.slotCount),
      mask: new Uint8Array(buffer, l.mask, l.rowsP / 8),
      topIdx: new Int32Array(buffer, l.topIdx, rows),
      topScores: new Float32Array(buffer, l.topScores, rows),
      mmrCand: new Int32Array(buffer, l.mmrCand, rows),
      mmrRel: new Float32Array(buffer, l.mmrRel, rows),
      mmrOut: new Int32Array(buffer, l.mmrOut, rows),
    };
    return this.views;
  }

  private requireLayout(): Layout {
    if (!this.layout) throw new VitrineError('NOT_READY', 'no matrix: call setMatrix first');
    return this.layout;
  }

  slot(index: number): Float32Array {
    this.requireLayout();
    checkSlot(index, this.slotCount);
    return this.v().slots[index]!;
  }

  scoreQuery(query: Float32Array, into = 0): Float32Array {
    const l = this.requireLayout();
    checkSlot(into, this.slotCount);
    checkQuery(query, this.dim);
    const views = this.v();
    views.query.set(query);
    const out = l.slots + into * l.slotStride;
    if (this.dtype === 'f32') {
      this.x.scoreF32(l.mat, l.rowsP, l.dimP, l.query, out);
    } else {
      const qs = this.x.quantizeQuery(l.query, l.dimP, l.q16, this.qmax);
      this.x.scoreI8(l.mat, l.scales, l.rowsP, l.dimP, l.q16, qs, out);
    }
    return views.slots[into]!;
  }

  combine(weights: ArrayLike<number>, into: number): Float32Array {
    const l = this.requireLayout();
    checkSlot(into, this.slotCount);
    checkWeights(weights, this.slotCount);
    const views = this.v();
    for (let j = 0; j < weights.length; j++) views.weights[j] = weights[j]!;
    this.x.combine(l.slots, l.slotStride, this.slotCount, l.weights, weights.length, into, l.rowsP);
    return views.slots[into]!;
  }

  topK(from: number, k: number, allow?: Uint8Array): TopK {
    const l = this.requireLayout();
    checkSlot(from, this.slotCount);
    checkTopK(k, this.rows, allow);
    const views = this.v();
    if (allow) views.mask.set(allow.subarray(0, views.mask.length));
    const count = this.x.topK(l.slots + from * l.slotStride, this.rows, k, allow ? 1 : 0, l.mask, l.topIdx, l.topScores);
    return { indices: views.topIdx.subarray(0, count), scores: views.topScores.subarray(0, count) };
  }

  mmr(candidates: Int32Array, relevance: Float32Array, k: number, lambda: number): Int32Array {
    const l = this.requireLayout();
    checkMmr(candidates, relevance, k, lambda, this.rows);
    const views = this.v();
    views.mmrCand.set(candidates);
    views.mmrRel.set(relevance);
    const count = this.x.mmr(
      l.mat,
      l.scales,
      this.dtype === 'i8' ? 1 : 0,
      this.rows,
      l.dimP,
      l.mmrCand,
      l.mmrRel,
      candidates.length,
      k,
      lambda,
      l.mmrMaxSim,
      l.mmrDone,
      l.mmrOut,
    );
    return views.mmrOut.subarray(0, count);
  }
}

/** Compiles bytes (or passes a module through); WebAssembly refusing to compile is WASM_BLOCKED. */
async function toModule(source: WasmSource): Promise<WasmModule> {
  const api = wasmApi();
  if (!api) throw new VitrineError('WASM_UNAVAILABLE', 'this engine has no WebAssembly');
  if (source instanceof api.Module) return source;
  if (!(source instanceof ArrayBuffer) && !ArrayBuffer.isView(source)) {
    throw new VitrineError('INVALID_REQUEST', 'kernel source: .wasm bytes or a WebAssembly.Module');
  }
  try {
    return await api.compile(source);
  } catch (error) {
    // A CSP without 'wasm-unsafe-eval' makes compile throw (CompileError or EvalError mentioning it).
    const text = String(error);
    const blocked = /unsafe-eval|Content Security Policy|Refused/i.test(text);
    throw new VitrineError(blocked ? 'WASM_BLOCKED' : 'WASM_UNAVAILABLE', `cannot compile the kernels: ${text}`);
  }
}

/**
 * A new instance of a compiled module. Synchronous, so a trapped instance can be replaced within the
 * query that trapped (Chromium allows it on the main thread for modules up to 8 MB; ours are 4 KB).
 */
function instanceOf(module: WasmModule, impl: 'wasm-simd' | 'wasm'): WasmKernels {
  let memory: WasmMemory | undefined;
  const imports = {
    env: {
      // AssemblyScript's abort: a kernel guard failed. Carry message, file and line in the error.
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const message = memory ? readAsString(memory, messagePtr) : '';
        const file = memory ? readAsString(memory, filePtr) : '';
        throw new VitrineError('KERNEL_TRAP', `kernel aborted: ${message}`, { file, line, column });
      },
    },
  };
  const x = new (wasmApi()!.Instance)(module, imports).exports as unknown as KernelExports;
  memory = x.memory;
  if (x.rowAlign() !== ROW_ALIGN || x.f32DimAlign() !== F32_DIM_ALIGN || x.i8DimAlign() !== I8_DIM_ALIGN) {
    throw new VitrineError('WASM_UNAVAILABLE', 'kernel layout differs from the loader: rebuild wasm');
  }
  return new WasmKernels(impl, x, () => instanceOf(module, impl));
}

async function instantiate(source: WasmSource, impl: 'wasm-simd' | 'wasm'): Promise<Kernels> {
  if (impl === 'wasm-simd' && !simdSupported()) {
    throw new VitrineError('WASM_UNAVAILABLE', 'no WebAssembly SIMD here: use impl "wasm"');
  }
  return instanceOf(await toModule(source), impl);
}

/** One instance per source object and impl: instantiate once, share the promise. */
const cache = new WeakMap<object, Map<KernelImpl, Promise<Kernels>>>();

/**
 * Instantiates the kernels from .wasm bytes or a compiled module. `impl` names the build the bytes
 * are (`wasm-simd` = kernels.simd.wasm, `wasm` = kernels.wasm); asking for `wasm-simd` where SIMD
 * is missing fails with WASM_UNAVAILABLE. The promise is cached per source object, so calling
 * again with the same bytes returns the same instance (and the same kernel memory).
 */
export function instantiateKernels(source: WasmSource, impl: 'wasm-simd' | 'wasm'): Promise<Kernels> {
  let byImpl = cache.get(source);
  if (!byImpl) cache.set(source, (byImpl = new Map()));
  let promise = byImpl.get(impl);
  if (!promise) {
    promise = instantiate(source, impl);
    // A failed load must not poison the cache: let the caller retry.
    promise.catch(() => byImpl.delete(impl));
    byImpl.set(impl, promise);
  }
  return promise;
}
