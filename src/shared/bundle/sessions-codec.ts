/**
 * The packed training sessions (section kind 17, docs/bundle-format.md, "packedSessions"): one
 * byte stream holding, per session, its length, its age's step from the previous session's and
 * each item's step from the previous item, as LEB128 (signed steps zigzagged). Products are stored
 * by category (src/cli/bundle-builder/product-order.ts) and sessions stay within one, so most steps
 * take one byte, and ages (sessions most recent first) step by seconds. The reader decodes it at
 * load into the same `SessionIndex` as the plain section (kind 12), so the session model never
 * sees the difference. Ages are whole seconds here (the decay works in days).
 */
import { ColumnReader } from './columns.ts';
import type { SessionIndex } from './types.ts';

/** Zigzag: 0, -1, 1, -2, … → 0, 1, 2, 3, … (arithmetic, not bit operations: steps pass 2^31). */
const zigzag = (step: number): number => (step < 0 ? -2 * step - 1 : 2 * step);

function pushLeb128(out: number[], value: number): void {
  for (; value >= 0x80; value = Math.floor(value / 128)) out.push((value & 0x7f) | 0x80);
  out.push(value);
}

/** The stream of `sessions`, or null when an age is not a whole number of seconds below 2^32 after rounding. */
export function packSessions(sessions: SessionIndex): Uint8Array | null {
  const { offsets, items, age } = sessions;
  const out: number[] = [];
  let previousAge = 0;
  let previousItem = 0;
  for (let s = 0; s < age.length; s++) {
    const seconds = Math.round(age[s]!);
    if (!(seconds >= 0 && seconds <= 0xffffffff)) return null;
    pushLeb128(out, offsets[s + 1]! - offsets[s]!);
    pushLeb128(out, zigzag(seconds - previousAge));
    previousAge = seconds;
    for (let i = offsets[s]!; i < offsets[s + 1]!; i++) {
      pushLeb128(out, zigzag(items[i]! - previousItem));
      previousItem = items[i]!;
    }
  }
  return Uint8Array.from(out);
}

/** Where the stream sits, for error offsets. */
export interface PackedSessionsSource {
  stream: Uint8Array;
  sessionCount: number;
  itemCount: number;
  referenceTime: number;
  /** File offset of the stream. */
  at: number;
}

/**
 * Decodes and checks every byte: LEB128 values of at most 5 bytes, session lengths adding up to
 * `itemCount`, ages >= 0, items < `products`, a stream that ends exactly after the last session.
 * The counts are checked against the stream's size before anything is allocated from them.
 */
export function unpackSessions(
  { stream, sessionCount, itemCount, referenceTime, at }: PackedSessionsSource,
  products: number,
): SessionIndex {
  const r = new ColumnReader(stream, 'packedSessions', at);
  // Each session takes at least 2 bytes (length, age step), each item 1.
  if (sessionCount * 2 + itemCount > stream.length) throw r.fail('counts too large for the stream');
  const offsets = new Uint32Array(sessionCount + 1);
  const items = new Uint32Array(itemCount);
  const age = new Float32Array(sessionCount);
  let seconds = 0;
  let item = 0;
  let i = 0;
  for (let s = 0; s < sessionCount; s++) {
    const end = i + r.uint();
    seconds += r.step();
    if (end > itemCount || seconds < 0) throw r.fail(`session ${s}: too many items or a negative age`);
    age[s] = seconds;
    for (; i < end; i++) {
      item += r.step();
      if (item < 0 || item >= products) throw r.fail(`session ${s}: item ${item} out of range`);
      items[i] = item;
    }
    offsets[s + 1] = end;
  }
  if (i < itemCount) throw r.fail('too few items');
  r.end();
  return { offsets, items, age, referenceTime };
}
