/**
 * Seeded pseudo-random numbers and string hashing. Builds must be reproducible: the same inputs and
 * `--seed` give the same bundle bytes, so nothing here may depend on `Math.random` or on time.
 */

/** 32-bit FNV-1a over UTF-16 code units, mixed with a seed. Fast, good enough for feature hashing. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's finaliser: spreads FNV's weak low bits so `h % buckets` stays uniform. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded mulberry32 generator whose 32-bit `state` can be read and set, e.g. to hand it to a wasm kernel and take it back. */
export interface SeededRandom {
  state: number;
  /** The next uniform on [0, 1); advances `state`. */
  next: () => number;
}

/**
 * mulberry32: a tiny 32-bit generator with a full 2^32 period, plenty for projection matrices.
 * https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 * The bandit kernel (wasm/bandit.ts) implements the same steps on the same state.
 */
export function seededRandom(seed: number): SeededRandom {
  const rng: SeededRandom = {
    state: seed >>> 0,
    next: () => {
      const state = (rng.state = (rng.state + 0x6d2b79f5) >>> 0);
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
  return rng;
}

/** mulberry32 as a plain uniform source (see `seededRandom` for one whose state is visible). */
export function mulberry32(seed: number): () => number {
  return seededRandom(seed).next;
}
