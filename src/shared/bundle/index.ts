/**
 * The bundle format's public surface: write, read (validate + open) and inspect.
 * Layout specification: docs/bundle-format.md.
 */
export { encodeBundle } from './writer.ts';
export { decodeBundle } from './reader.ts';
// Node callers (CLI, tests) read every version; the worker loads this on demand (engine.ts).
import './legacy-reader.ts';
export { inspectBundle, type BundleReport, type BundleReportSection } from './inspect.ts';
export { buildCategoryTree, buildBrandList, type CategoryTree, type BrandList } from './catalog-index.ts';
export { crc32 } from './crc32.ts';
export { DEFAULT_SESSION_MODEL, RECENCY_UNITS } from './session-model.ts';
export { FORMAT_VERSION, MAGIC, SectionKind, type SectionName } from './format.ts';
export type * from './types.ts';
