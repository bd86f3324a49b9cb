/**
 * Byte-level constants of the bundle format, shared by the writer and the reader. The full layout
 * is specified in `docs/bundle-format.md`; keep the two in sync.
 */

/** File signature, PNG style: a non-ASCII first byte and CR LF / SUB bytes catch text-mode mangling. */
export const MAGIC = Uint8Array.of(0x89, 0x56, 0x54, 0x42, 0x0d, 0x0a, 0x1a, 0x0a);

/** The format version the writer writes. Bumped on any incompatible layout change. */
export const FORMAT_VERSION = 4;

/**
 * Oldest version the reader still opens: a version-1 file differs only in its graphs, which are
 * always f32 there (h2 was reserved), so a returning visitor's cached v1 bundle keeps working.
 */
export const MIN_FORMAT_VERSION = 1;

/** Every section and every array inside a binary section starts on this boundary (bytes). */
export const ALIGN = 16;

/** Fixed file header: magic(8) version(u16) flags(u16) sectionCount(u32) fileLength(u32) crc32(u32) reserved(u64). */
export const HEADER_SIZE = 32;
/** Byte offsets of the header fields. */
export const HEADER = {
  magic: 0,
  version: 8,
  flags: 10,
  sectionCount: 12,
  fileLength: 16,
  checksum: 20,
  reserved: 24,
} as const;

/** One section-table entry: kind(u32) flags(u32) offset(u32) length(u32). */
export const SECTION_ENTRY_SIZE = 16;

/** Section flag bit: a reader that does not know this kind must reject the file. */
export const SECTION_FLAG_REQUIRED = 1;

/** Every binary section starts with four u32 header fields (16 bytes), then its arrays. */
export const SECTION_HEADER_SIZE = 16;

/** Section kind numbers. Numbers are forever: never reuse a retired one. */
export const SectionKind = {
  meta: 1,
  strings: 2,
  products: 3,
  categories: 4,
  brands: 5,
  popularity: 6,
  covisitation: 7,
  copurchase: 8,
  embeddings: 9,
  banditPriors: 10,
  modelWeights: 11,
  sessions: 12,
  sessionModel: 13,
  /** The training sessions packed (format version 3); a file holds this or `sessions`, not both. */
  packedSessions: 17,
} as const;

export type SectionName = keyof typeof SectionKind;

/** Sections a version-1 reader cannot work without, whatever their flag says. */
export const REQUIRED_SECTIONS: readonly SectionName[] = [
  'meta',
  'strings',
  'products',
  'categories',
  'brands',
  'popularity',
  'covisitation',
  'copurchase',
  'embeddings',
];

const NAMES = new Map<number, SectionName>((Object.entries(SectionKind) as [SectionName, number][]).map(([name, kind]) => [kind, name]));

/** Known name of a kind number, or `'kind#N'` for kinds this reader does not know. */
export function sectionName(kind: number): string {
  return NAMES.get(kind) ?? `kind#${kind}`;
}

export function knownSection(kind: number): SectionName | undefined {
  return NAMES.get(kind);
}

/**
 * Deepest category path a bundle may hold (levels from the root). Real catalogs stay under ten;
 * the bound keeps path handling cheap whatever a hostile catalog declares (docs/bundle-format.md).
 */
export const MAX_CATEGORY_DEPTH = 32;

/**
 * Largest embedding row norm accepted. Rows are meant to be unit length; this bound only keeps a
 * row's dot product with itself (1e36) and any weighted sum of scores inside float32, where the
 * kernels compute: a finite but huge row (values of 3e38) would score NaN or Infinity.
 */
export const MAX_VECTOR_NORM = 1e18;

/** Embedding encoding codes in the embeddings section header (h2); `pq` (version 3) decodes to i8. */
export const DTYPE_CODE = { f32: 1, i8: 2, pq: 3 } as const;

/** Centroids per subspace of a product-quantised embeddings section: every u8 code is one. */
export const PQ_CENTROIDS = 256;

/** Rounds up to the next multiple of ALIGN. */
export function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
