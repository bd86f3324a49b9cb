/**
 * The packed training sessions (section kind 17, format version 3): the documented byte stream on a
 * hand-made log, the same SessionIndex back (ages to the second), every corruption rejected with a
 * typed error naming the section, the plain section (kind 12) still read, and random damage never
 * giving out an item that is not a product row.
 */
import { describe, expect, it } from 'vitest';
import { decodeBundle, encodeBundle, type BundleInput, type SessionIndex } from '../../src/shared/bundle/index.ts';
import { SectionKind } from '../../src/shared/bundle/format.ts';
import { isVitrineError } from '../../src/shared/errors.ts';
import { makeFixtureInput, seededRandom } from '../fixtures/bundle-fixture.ts';
import { expectVitrineError, reseal, section, sections, view } from './bundle-helpers.ts';

const N = 20;

/** Two sessions, most recent first: [3, 4, 4, 2] ended 10.4 s before the end, [19, 0] 130 s before. */
function handMade(): SessionIndex {
  return {
    offsets: Uint32Array.of(0, 4, 6),
    items: Uint32Array.of(3, 4, 4, 2, 19, 0),
    age: Float32Array.of(10.4, 130),
    referenceTime: 1_700_000_000,
  };
}

function inputWith(sessions: SessionIndex, rows = N): BundleInput {
  return { ...makeFixtureInput({ rows, dim: 8 }), sessions };
}

/** File offset of the packed stream and the header fields. */
function packedAt(bytes: Uint8Array) {
  const { offset, length } = section(bytes, 'packedSessions');
  const v = view(bytes);
  return {
    offset,
    length,
    sessionCount: v.getUint32(offset, true),
    itemCount: v.getUint32(offset + 4, true),
    referenceTime: v.getUint32(offset + 8, true),
    streamBytes: v.getUint32(offset + 12, true),
    stream: offset + 16,
  };
}

/** Random sessions over `rows` products, most recent first, with fractional ages. */
function randomSessions(random: () => number, rows: number, count: number): SessionIndex {
  const offsets = new Uint32Array(count + 1);
  const items: number[] = [];
  const age = new Float32Array(count);
  let seconds = 0;
  for (let s = 0; s < count; s++) {
    for (let i = 2 + Math.floor(random() * 10); i > 0; i--) items.push(Math.floor(random() * rows));
    offsets[s + 1] = items.length;
    seconds += random() * 5000;
    age[s] = seconds;
  }
  return { offsets, items: Uint32Array.from(items), age, referenceTime: 1_717_200_000 };
}

describe('packed sessions', () => {
  it('should write the documented stream: per session its length, age step and item steps, zigzag LEB128', () => {
    const bytes = encodeBundle(inputWith(handMade()));
    expect(sections(bytes).some((s) => s.kind === SectionKind.sessions)).toBe(false);
    const at = packedAt(bytes);
    expect(at).toMatchObject({ sessionCount: 2, itemCount: 6, referenceTime: 1_700_000_000 });
    // Session 0: length 4, age 10 (10.4 rounded; step +10 -> 20), items 3 (+3 -> 6), 4 (+1 -> 2), 4 (0), 2 (-2 -> 3).
    // Session 1: length 2, age 130 (+120 -> 240 = 0xf0 0x01), items 19 (+17 -> 34), 0 (-19 -> 37).
    const expected = [4, 20, 6, 2, 0, 3, 2, 0xf0, 0x01, 34, 37];
    expect(at.streamBytes).toBe(expected.length);
    expect(Array.from(bytes.subarray(at.stream, at.stream + at.streamBytes))).toEqual(expected);
    expect(at.length).toBe(16 + 16);
    const back = decodeBundle(bytes).sessions!;
    expect(Array.from(back.offsets)).toEqual([0, 4, 6]);
    expect(Array.from(back.items)).toEqual([3, 4, 4, 2, 19, 0]);
    expect(Array.from(back.age)).toEqual([10, 130]);
    expect(back.referenceTime).toBe(1_700_000_000);
  });

  it('should give back random logs exactly, ages to the nearest second, and write kind 12 when asked', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 20; trial++) {
      const rows = 2 + Math.floor(random() * 300);
      const sessions = randomSessions(random, rows, Math.floor(random() * 40));
      const input = inputWith(sessions, rows);
      const back = decodeBundle(encodeBundle(input)).sessions!;
      expect(Array.from(back.offsets)).toEqual(Array.from(sessions.offsets));
      expect(Array.from(back.items)).toEqual(Array.from(sessions.items));
      expect(Array.from(back.age)).toEqual(Array.from(sessions.age, (a) => Math.round(a)));
      const plain = encodeBundle(input, { sessions: 'u32' });
      expect(sections(plain).some((s) => s.kind === SectionKind.packedSessions)).toBe(false);
      expect(Array.from(decodeBundle(plain).sessions!.age)).toEqual(Array.from(sessions.age));
    }
  });

  it('should still read a version-2 file (packed graphs, plain sessions) exactly', () => {
    const input = inputWith(randomSessions(seededRandom(9), N, 12));
    const v2 = encodeBundle(input, { sessions: 'u32', layout: 'blocks' });
    view(v2).setUint16(8, 2, true);
    const bundle = decodeBundle(reseal(v2));
    expect(bundle.formatVersion).toBe(2);
    expect(Array.from(bundle.sessions!.items)).toEqual(Array.from(input.sessions!.items));
    expect(Array.from(bundle.sessions!.age)).toEqual(Array.from(input.sessions!.age));
  });

  it('should keep the plain section for ages it cannot hold (over 2^32 s)', () => {
    const sessions = { ...handMade(), age: Float32Array.of(1, 2 ** 33) };
    const bytes = encodeBundle(inputWith(sessions));
    expect(sections(bytes).some((s) => s.kind === SectionKind.sessions)).toBe(true);
    expect(decodeBundle(bytes).sessions!.age[1]).toBe(2 ** 33);
  });

  it('should reject an item that is not a product row, naming the section, field and stream', () => {
    const bytes = encodeBundle(inputWith(handMade()));
    const at = packedAt(bytes);
    bytes[at.stream + 9] = 2 * 60; // step +60 from 2: row 62
    const error = expectVitrineError(() => decodeBundle(reseal(bytes)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'packedSessions', field: 'stream' });
    expect(error.message).toMatch(/session 1: item 62 out of range/);
    const negative = encodeBundle(inputWith(handMade()));
    negative[packedAt(negative).stream + 2] = 7; // first item step -4: row -4
    expect(expectVitrineError(() => decodeBundle(reseal(negative)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(
      /session 0: item -4 out of range/,
    );
  });

  it('should reject a negative age, a stream that ends inside a session, a 6-byte value and bytes left over', () => {
    const negative = encodeBundle(inputWith(handMade()));
    negative[packedAt(negative).stream + 1] = 21; // age step -11
    expect(expectVitrineError(() => decodeBundle(reseal(negative)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(
      /session 0: too many items or a negative age/,
    );

    const short = encodeBundle(inputWith(handMade()));
    const at = packedAt(short);
    short[at.stream + at.streamBytes - 1] = 0x80 | 37; // the last value continues past the end
    expect(expectVitrineError(() => decodeBundle(reseal(short)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(/stream ends early/);

    const long = encodeBundle(inputWith(handMade()));
    long.fill(0x80, packedAt(long).stream, packedAt(long).stream + 6);
    const error = expectVitrineError(() => decodeBundle(reseal(long)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'packedSessions', offset: packedAt(long).stream + 5 });

    const left = encodeBundle(inputWith(handMade()));
    view(left).setUint32(packedAt(left).offset + 4, 5, true); // 5 items declared, the sessions hold 6
    expect(expectVitrineError(() => decodeBundle(reseal(left)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(/session 1: too many items/);
    const fewer = encodeBundle(inputWith(handMade()));
    fewer[packedAt(fewer).stream + 6] = 1; // session 1 holds 1 item: its second item's byte is left over
    view(fewer).setUint32(packedAt(fewer).offset + 4, 5, true);
    expect(expectVitrineError(() => decodeBundle(reseal(fewer)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(
      /bytes left over after the last column/,
    );
  });

  it('should reject forged counts the stream cannot hold before allocating, and a file with both session sections', () => {
    const forged = encodeBundle(inputWith(handMade()));
    view(forged).setUint32(packedAt(forged).offset, 0xffffffff, true);
    expect(expectVitrineError(() => decodeBundle(reseal(forged)), 'BUNDLE_SECTION_MALFORMED').message).toMatch(
      /counts too large for the stream/,
    );

    // A packed section whose kind is renamed to the plain one is read as plain: its lengths cannot match.
    const renamed = encodeBundle(inputWith(handMade()));
    view(renamed).setUint32(section(renamed, 'packedSessions').entry, SectionKind.sessions, true);
    expect(() => decodeBundle(reseal(renamed))).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^BUNDLE_SECTION_(MALFORMED|OUT_OF_RANGE)$/) }),
    );
    // Both kinds: the (optional) model weights section relabelled as plain sessions.
    const both = encodeBundle(inputWith(handMade()));
    view(both).setUint32(section(both, 'modelWeights').entry, SectionKind.sessions, true);
    const error = expectVitrineError(() => decodeBundle(reseal(both)), 'BUNDLE_SECTION_MALFORMED');
    expect(error.details).toMatchObject({ section: 'packedSessions', offset: section(both, 'packedSessions').offset });
  });

  it('should survive random damage to the stream: a typed error or sessions of product rows with ages >= 0', () => {
    const rows = 150;
    const pristine = encodeBundle(inputWith(randomSessions(seededRandom(3), rows, 60), rows));
    const { offset, length } = section(pristine, 'packedSessions');
    const random = seededRandom(17);
    let decoded = 0;
    for (let trial = 0; trial < 400; trial++) {
      const bytes = pristine.slice();
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--)
        bytes[offset + Math.floor(random() * length)] = Math.floor(random() * 256);
      let sessions: SessionIndex | null;
      try {
        sessions = decodeBundle(reseal(bytes)).sessions;
      } catch (error) {
        expect(isVitrineError(error), String(error)).toBe(true);
        expect((error as { code: string }).code).toMatch(/^BUNDLE_/);
        continue;
      }
      decoded++;
      const { offsets, items, age } = sessions!;
      expect(offsets[offsets.length - 1]).toBe(items.length);
      for (let s = 0; s + 1 < offsets.length; s++) expect(offsets[s + 1]!).toBeGreaterThanOrEqual(offsets[s]!);
      for (const item of items) expect(item).toBeLessThan(rows);
      for (const a of age) expect(a >= 0 && Number.isFinite(a)).toBe(true);
    }
    // Some damage (an item step swapped for another in range) still decodes: the check above ran.
    expect(decoded).toBeGreaterThan(0);
  });
});
