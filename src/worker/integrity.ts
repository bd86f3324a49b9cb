/**
 * Subresource Integrity for bundles (https://www.w3.org/TR/SRI/): `load(url, { integrity })` with
 * `sha256-…`, `sha384-…` or `sha512-…` (base64 of the digest, as `openssl dgst -sha384 -binary
 * shop.vtb | base64` prints it). Checked on every copy before it is decoded: the network's, the
 * cached one and a background revalidation's, so no byte of a file that does not match is used.
 * Its own chunk: only shops that declare a hash download it.
 */
import { VitrineError } from '../shared/errors.ts';

/** Throws BUNDLE_INTEGRITY_MISMATCH when `bytes` do not hash to `integrity`, INVALID_REQUEST when it is not SRI syntax. */
export async function checkIntegrity(bytes: ArrayBuffer, integrity: unknown): Promise<void> {
  if (typeof integrity !== 'string' || !/^sha(256|384|512)-[\w+/]+=*$/.test(integrity))
    throw new VitrineError('INVALID_REQUEST', 'integrity: must be sha256-, sha384- or sha512- and base64', { field: 'integrity' });
  const [algorithm, expected] = integrity.split('-');
  const digest = new Uint8Array(await crypto.subtle.digest(`SHA-${algorithm!.slice(3)}`, bytes));
  const actual = btoa(String.fromCharCode(...digest));
  if (actual !== expected)
    throw new VitrineError('BUNDLE_INTEGRITY_MISMATCH', `the bundle's ${algorithm} digest is ${actual}, not the declared ${expected}`, {
      expected: integrity,
      actual: `${algorithm}-${actual}`,
    });
}
