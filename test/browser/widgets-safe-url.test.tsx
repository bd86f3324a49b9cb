/**
 * The one rule for product links and images from the bundle: HTTPS anywhere, HTTP only on the
 * page's own origin, nothing else. The test page itself is served over http://localhost.
 */
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../widgets/safe-url.ts';

describe('B8: safeUrl', () => {
  it('should accept https on any origin, as an absolute URL', () => {
    expect(safeUrl('https://shop.example/p/1?c=2#top')).toBe('https://shop.example/p/1?c=2#top');
    expect(safeUrl('HTTPS://Shop.Example/p/1')).toBe('https://shop.example/p/1');
  });

  it('should accept http on the page origin, and relative URLs resolved against the page', () => {
    expect(location.protocol).toBe('http:');
    expect(safeUrl(`${location.origin}/p/1`)).toBe(`${location.origin}/p/1`);
    expect(safeUrl('/p/1')).toBe(`${location.origin}/p/1`);
    expect(safeUrl('p/1')).toBe(new URL('p/1', document.baseURI).href);
  });

  it('should refuse http on another origin, also written protocol-relative', () => {
    expect(safeUrl('http://evil.example/p/1')).toBeNull();
    expect(safeUrl('//evil.example/p/1')).toBeNull();
    expect(safeUrl(`http://${location.hostname}:1/p/1`)).toBeNull();
  });

  it('should refuse script, data, blob and other schemes, however they are spelled', () => {
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/svg+xml,<svg onload=alert(1)>',
      `blob:${location.origin}/0f7e`,
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      'ftp://shop.example/p/1',
    ]) {
      expect(safeUrl(url), url).toBeNull();
    }
  });

  it('should refuse empty, malformed and non-string values', () => {
    for (const url of ['', '   ', 'https://', 'http://[::1', null, undefined, 42, {}]) expect(safeUrl(url), String(url)).toBeNull();
  });
});
