/**
 * Learning across visitors, the worker side: the priors every arm starts from (bundle, then the
 * shop's priors file) and the arm counts that go back (only with `measurement` consent and the
 * measurement endpoint). Part of the lazy bandits chunk (bandits.ts): pages without bandits never
 * download it.
 */
import { VitrineError } from '../shared/errors.ts';
import type { BanditLearningConfig, BanditLearningStatus } from '../shared/bandit/learning-status.ts';
import type { Measurement } from './measurement.ts';
import { ArmCounter } from './bandit/arm-counts.ts';
import { PriorsBook } from './bandit/priors.ts';
import type { ConsentGate } from './consent-gate.ts';

/** `value` resolved against `base` as an absolute http(s) URL without credentials, or null. */
function absolute(value: string | null | undefined, base: string | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(value, base);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password)
    throw new VitrineError('INVALID_REQUEST', `${field}: must be an http(s) URL without credentials`, { field });
  return url.href;
}

export class BanditLearning {
  readonly priors = new PriorsBook();
  readonly counts: ArmCounter;

  /** `measurement` is aggregate measurement (its endpoint and window), undefined until the shop configures it. */
  constructor(consent: Pick<ConsentGate, 'allows'>, measurement: () => Measurement | undefined) {
    this.counts = new ArmCounter({
      allowed: () => consent.allows('measurement'),
      endpoint: () => measurement()?.status().endpoint ?? null,
      intervalMs: () => measurement()?.status().intervalMs ?? 60_000,
    });
  }

  /**
   * Applies the page's settings; every field is checked before any applies. Resolves once the
   * priors file was fetched or failed (a failure shows in `status().priors.lastError`, not here).
   */
  async configure({ priors, epsilon, countsEndpoint, base }: BanditLearningConfig): Promise<void> {
    let priorsUrl: string | null;
    try {
      priorsUrl = absolute(priors, base, 'priors');
      this.counts.setCountsEndpoint(absolute(countsEndpoint, base, 'countsEndpoint'));
      this.counts.setEpsilon(epsilon);
    } catch (error) {
      // Fail closed: counts never go out under a configuration other than the one the shop wrote.
      this.counts.refuse();
      throw error;
    }
    await this.priors.setFileUrl(priorsUrl);
  }

  /** Applies `config` when given (see `configure`), then returns the status: the worker API's `bandits()`. */
  async use(config?: BanditLearningConfig): Promise<BanditLearningStatus> {
    if (config) await this.configure(config);
    return this.status();
  }

  status(): BanditLearningStatus {
    return { priors: this.priors.status(), counts: this.counts.status() };
  }
}
