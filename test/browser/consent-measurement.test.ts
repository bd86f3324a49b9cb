/**
 * The aggregate measurement counter: counts only with consent AND an endpoint, one request per
 * window with counts and window bounds only, nothing kept after a revocation, failures reported in
 * status. The network here is a recording function; the real POST over loopback is proven in
 * test/e2e/privacy.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { Measurement, validateEndpoint } from '../../src/worker/measurement.ts';

function setup(allowed = { value: true }, status = 204) {
  const sent: { url: string; init: RequestInit }[] = [];
  const measurement = new Measurement({
    allowed: () => allowed.value,
    fetch: async (url, init) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response(null, { status });
    },
  });
  return { measurement, sent, allowed };
}

describe('Measurement', () => {
  it('should count nothing without an endpoint, even with consent', async () => {
    const { measurement, sent } = setup();
    measurement.count('view');
    await measurement.flush();
    expect(measurement.status()).toMatchObject({ active: false, pending: 0 });
    expect(sent).toEqual([]);
  });

  it('should count nothing without consent, even with an endpoint', async () => {
    const { measurement, sent } = setup({ value: false });
    measurement.configure({ endpoint: 'http://127.0.0.1/stats' });
    measurement.count('view');
    await measurement.flush();
    expect(sent).toEqual([]);
  });

  it('should send one batch per window with counts by type and the window bounds only', async () => {
    const { measurement, sent } = setup();
    measurement.configure({ endpoint: 'http://127.0.0.1/stats', intervalMs: 100 });
    for (const type of ['view', 'view', 'search', 'purchase'] as const) measurement.count(type);
    expect(measurement.status().pending).toBe(4);
    await expect.poll(() => sent.length).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(sent).toHaveLength(1);
    const { url, init } = sent[0]!;
    expect(url).toBe('http://127.0.0.1/stats');
    expect(init).toMatchObject({ method: 'POST', credentials: 'omit', referrerPolicy: 'no-referrer' });
    const body = JSON.parse(init.body as string) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['counts', 'windowEnd', 'windowStart']);
    expect(body.counts).toEqual({ view: 2, search: 1, purchase: 1 });
    expect(measurement.status()).toMatchObject({ sent: 1, pending: 0, failed: 0 });
  });

  it('should drop unsent counts when consent is gone at flush time', async () => {
    const { measurement, sent, allowed } = setup();
    measurement.configure({ endpoint: 'http://127.0.0.1/stats' });
    measurement.count('view');
    allowed.value = false;
    await measurement.flush();
    expect(sent).toEqual([]);
    expect(measurement.status().pending).toBe(0);
  });

  it('should report a failed request in status and not retry it', async () => {
    const { measurement, sent } = setup({ value: true }, 500);
    measurement.configure({ endpoint: 'http://127.0.0.1/stats' });
    measurement.count('view');
    await measurement.flush();
    await measurement.flush();
    expect(sent).toHaveLength(1);
    expect(measurement.status()).toMatchObject({ failed: 1, sent: 0, lastError: { code: 'MEASUREMENT_FAILED' } });
  });

  it('should refuse endpoints that are not absolute http(s) URLs without credentials, and too short windows', () => {
    expect(validateEndpoint('https://shop.example/stats')).toBe('https://shop.example/stats');
    for (const bad of ['/relative', 'javascript:alert(1)', 'https://user:pw@shop.example/', 42]) {
      expect(() => validateEndpoint(bad)).toThrow(/INVALID_REQUEST/);
    }
    const { measurement } = setup();
    expect(() => measurement.configure({ endpoint: 'http://127.0.0.1/stats', intervalMs: 10 })).toThrow(/intervalMs/);
  });
});
