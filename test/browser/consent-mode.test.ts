/**
 * The Google Consent Mode v2 adapter on a real `dataLayer` fed the way `gtag()` feeds it (its
 * `arguments` object): replayed history, later pushes, and the storage types that matter.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consentModeSignal, listenConsentMode } from '../../src/embed/consent-signals/consent-mode.ts';

/** Builds a gtag() bound to `layer`, exactly as Google's snippet does. */
function gtagFor(layer: unknown[]): (...args: unknown[]) => void {
  return function gtag() {
    // eslint-disable-next-line prefer-rest-params
    layer.push(arguments);
  };
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('consentModeSignal', () => {
  it('should map personalization_storage and analytics_storage and ignore ad types', () => {
    expect(consentModeSignal(['consent', 'default', { personalization_storage: 'granted', analytics_storage: 'denied' }])).toEqual({
      personalization: true,
      measurement: false,
    });
    expect(consentModeSignal(['consent', 'update', { analytics_storage: 'granted' }])).toEqual({ measurement: true });
    expect(consentModeSignal(['consent', 'update', { ad_storage: 'granted', ad_personalization: 'granted' }])).toBeNull();
  });

  it('should ignore other commands, unknown values and non-consent entries', () => {
    expect(consentModeSignal(['config', 'G-XYZ', {}])).toBeNull();
    expect(consentModeSignal(['consent', 'reset', { personalization_storage: 'granted' }])).toBeNull();
    expect(consentModeSignal(['consent', 'update', { personalization_storage: 'yes' }])).toBeNull();
    expect(consentModeSignal({ event: 'gtm.js' })).toBeNull();
    expect(consentModeSignal(null)).toBeNull();
  });

  it('should apply a region-limited default only when it denies', () => {
    expect(consentModeSignal(['consent', 'default', { personalization_storage: 'granted', region: ['US'] }])).toBeNull();
    expect(consentModeSignal(['consent', 'default', { personalization_storage: 'denied', region: ['DE'] }])).toEqual({
      personalization: false,
    });
  });
});

describe('listenConsentMode', () => {
  it('should replay earlier commands and then follow new gtag() calls, keeping push working', () => {
    const layer: unknown[] = [];
    const gtag = gtagFor(layer);
    gtag('consent', 'default', { personalization_storage: 'denied', analytics_storage: 'denied' });
    gtag('js', new Date());
    const onSignal = vi.fn();
    stops.push(listenConsentMode({ dataLayer: layer }, onSignal)!);
    expect(onSignal).toHaveBeenCalledExactlyOnceWith({ personalization: false, measurement: false });

    gtag('consent', 'update', { personalization_storage: 'granted' });
    expect(onSignal).toHaveBeenLastCalledWith({ personalization: true });
    expect(onSignal).toHaveBeenCalledTimes(2);
    // The page's own entries still land in the dataLayer.
    expect(layer).toHaveLength(3);
  });

  it('should return null without a dataLayer array and watch a dataLayer only once', () => {
    expect(listenConsentMode({}, vi.fn())).toBeNull();
    expect(listenConsentMode({ dataLayer: {} }, vi.fn())).toBeNull();
    const layer: unknown[] = [];
    stops.push(listenConsentMode({ dataLayer: layer }, vi.fn())!);
    expect(listenConsentMode({ dataLayer: layer }, vi.fn())).toBeNull();
  });

  it('should never throw into the page on a hostile entry', () => {
    const layer: unknown[] = [];
    const onSignal = vi.fn();
    stops.push(listenConsentMode({ dataLayer: layer }, onSignal)!);
    const hostile = [
      'consent',
      'update',
      Object.defineProperty({}, 'personalization_storage', {
        get: () => {
          throw new Error('boom');
        },
      }),
    ];
    expect(() => layer.push(hostile)).not.toThrow();
    expect(onSignal).not.toHaveBeenCalled();
    expect(layer).toHaveLength(1);
  });

  it('should restore the original push when stopped', () => {
    const layer: unknown[] = [];
    const original = layer.push;
    const stop = listenConsentMode({ dataLayer: layer }, vi.fn())!;
    expect(layer.push).not.toBe(original);
    stop();
    expect(layer.push).toBe(original);
  });
});
