import { describe, expect, it } from 'vitest';
import { multiply, symmetricEigen, truncatedSvd, type SparseMatrix } from '../../src/cli/bundle-builder/truncated-svd.ts';
import { mulberry32 } from '../../src/shared/random.ts';

/** A dense row-major matrix in CSR form (zeros left out). */
function sparse(dense: number[][]): SparseMatrix {
  const offsets = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, c) => {
      if (v !== 0) {
        indices.push(c);
        values.push(v);
      }
    });
    offsets.push(values.length);
  }
  return {
    rows: dense.length,
    cols: dense[0]!.length,
    offsets: Uint32Array.from(offsets),
    indices: Uint32Array.from(indices),
    values: Float64Array.from(values),
  };
}

/** Orthonormal columns (`size × k`) from a seeded generator, by Gram–Schmidt (test-side). */
function orthonormal(size: number, k: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  const cols: number[][] = [];
  for (let j = 0; j < k; j++) {
    const c = Array.from({ length: size }, () => rand() - 0.5);
    for (const q of cols) {
      const d = c.reduce((s, x, i) => s + x * q[i]!, 0);
      for (let i = 0; i < size; i++) c[i]! -= d * q[i]!;
    }
    const norm = Math.hypot(...c);
    cols.push(c.map((x) => x / norm));
  }
  return cols;
}

/** U diag(s) Vᵀ for known factors: a 40 × 25 matrix of rank s.length. */
function lowRank(s: number[], seed: number): number[][] {
  const u = orthonormal(40, s.length, seed);
  const v = orthonormal(25, s.length, seed + 1);
  return Array.from({ length: 40 }, (_, r) =>
    Array.from({ length: 25 }, (_, c) => s.reduce((sum, sj, j) => sum + sj * u[j]![r]! * v[j]![c]!, 0)),
  );
}

/** Column j of a row-major `rows × width` matrix. */
function column(m: Float64Array, rows: number, width: number, j: number): number[] {
  return Array.from({ length: rows }, (_, r) => m[r * width + j]!);
}

const dotOf = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('truncatedSvd', () => {
  const known = [9, 4, 1.5];
  const a = sparse(lowRank(known, 7));

  it('should recover the singular values of a known low-rank matrix', () => {
    const svd = truncatedSvd(a, { rank: 3, seed: 1 });
    expect(svd.rank).toBe(3);
    known.forEach((s, j) => expect(svd.values[j]).toBeCloseTo(s, 8));
  });

  it('should reconstruct the matrix from its factors (a V Vᵀ = a for the full rank)', () => {
    const svd = truncatedSvd(a, { rank: 3, seed: 1 });
    const av = multiply(a, svd.right, svd.rank);
    for (let r = 0; r < a.rows; r++) {
      for (let c = 0; c < a.cols; c++) {
        let back = 0;
        for (let j = 0; j < svd.rank; j++) back += av[r * svd.rank + j]! * svd.right[c * svd.rank + j]!;
        const e = [...Array(a.offsets[r + 1]! - a.offsets[r]!).keys()].map((i) => a.offsets[r]! + i).find((i) => a.indices[i] === c);
        expect(back).toBeCloseTo(e === undefined ? 0 : a.values[e]!, 8);
      }
    }
  });

  it('should return orthonormal right and left singular vectors', () => {
    const svd = truncatedSvd(a, { rank: 3, seed: 2 });
    const left = multiply(a, svd.right, svd.rank);
    for (let i = 0; i < svd.rank; i++) {
      for (let j = 0; j < svd.rank; j++) {
        const expected = i === j ? 1 : 0;
        expect(dotOf(column(svd.right, a.cols, svd.rank, i), column(svd.right, a.cols, svd.rank, j))).toBeCloseTo(expected, 10);
        // U = a V Σ⁻¹
        const ui = column(left, a.rows, svd.rank, i).map((x) => x / svd.values[i]!);
        const uj = column(left, a.rows, svd.rank, j).map((x) => x / svd.values[j]!);
        expect(dotOf(ui, uj)).toBeCloseTo(expected, 10);
      }
    }
  });

  it('should find the leading components of a full-rank matrix that a low-rank one dominates', () => {
    const rand = mulberry32(3);
    const noisy = lowRank([20, 10, 5], 11).map((row) => row.map((x) => x + (rand() - 0.5) * 0.01));
    const svd = truncatedSvd(sparse(noisy), { rank: 2, seed: 1 });
    expect(svd.rank).toBe(2);
    expect(svd.values[0]).toBeCloseTo(20, 1);
    expect(svd.values[1]).toBeCloseTo(10, 1);
  });

  it('should report fewer components than asked when the matrix has lower rank', () => {
    const svd = truncatedSvd(a, { rank: 10, seed: 1 });
    expect(svd.rank).toBe(3);
    expect(svd.right.length).toBe(a.cols * 3);
  });

  it('should give the same bytes for the same seed', () => {
    const one = truncatedSvd(a, { rank: 3, seed: 5 });
    const two = truncatedSvd(a, { rank: 3, seed: 5 });
    expect(Buffer.from(two.right.buffer).equals(Buffer.from(one.right.buffer))).toBe(true);
    expect(Array.from(two.values)).toEqual(Array.from(one.values));
  });

  it('should find the same singular values whatever the seed', () => {
    const one = truncatedSvd(a, { rank: 3, seed: 5 });
    const two = truncatedSvd(a, { rank: 3, seed: 6 });
    for (let j = 0; j < 3; j++) expect(two.values[j]).toBeCloseTo(one.values[j]!, 8);
  });

  it('should return no component for an all-zero matrix', () => {
    const svd = truncatedSvd(
      sparse([
        [0, 0],
        [0, 0],
      ]),
      { rank: 2, seed: 1 },
    );
    expect(svd.rank).toBe(0);
  });
});

describe('symmetricEigen', () => {
  it('should diagonalise a symmetric matrix, largest eigenvalue first', () => {
    // Eigenvalues 3 and 1, eigenvectors (1, 1)/√2 and (1, -1)/√2.
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[2]!).toBeCloseTo(0.5, 12);
    expect(vectors[1]! * vectors[3]!).toBeCloseTo(-0.5, 12);
  });
});
