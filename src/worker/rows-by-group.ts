/**
 * Products grouped by a per-row group index (brand, leaf category) in CSR form, so a per-group
 * score touches only its own rows: group g's rows are `rows[offsets[g] .. offsets[g + 1])`, ascending.
 */
export class RowsByGroup {
  readonly offsets: Uint32Array;
  readonly rows: Uint32Array;

  /** `groupOf[row]` is the row's group in [0, groups), or negative for none. */
  constructor(groupOf: ArrayLike<number>, groups: number) {
    const offsets = new Uint32Array(groups + 1);
    for (let row = 0; row < groupOf.length; row++) if (groupOf[row]! >= 0) offsets[groupOf[row]! + 1]!++;
    for (let g = 0; g < groups; g++) offsets[g + 1]! += offsets[g]!;
    const cursor = offsets.slice(0, groups);
    const rows = new Uint32Array(offsets[groups]!);
    for (let row = 0; row < groupOf.length; row++) if (groupOf[row]! >= 0) rows[cursor[groupOf[row]!]!++] = row;
    this.offsets = offsets;
    this.rows = rows;
  }

  /** Rows of group `g`. */
  of(g: number): Uint32Array {
    return this.rows.subarray(this.offsets[g], this.offsets[g + 1]);
  }

  count(g: number): number {
    return this.offsets[g + 1]! - this.offsets[g]!;
  }

  /** Rows that have a group. */
  get total(): number {
    return this.rows.length;
  }
}
