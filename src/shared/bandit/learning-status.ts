/**
 * Learning across visitors as the page configures and reads it: the priors file the worker
 * revalidates and the arm counts it sends (only with `measurement` consent and an endpoint).
 */
import type { ErrorCode } from '../errors.ts';

/** What the page sends once (and again after a worker restart). */
export interface BanditLearningConfig {
  /** Absolute http(s) URL of the priors file (`data-bandit-priors`); `null` drops it (bundle priors apply). */
  priors?: string | null;
  /**
   * Randomised response for the arm counts: each trial's success bit is flipped with probability
   * 1 / (1 + e^epsilon) before it is counted for sending. `null` (default): no flipping.
   */
  epsilon?: number | null;
  /**
   * Where arm counts go; default: the measurement endpoint. Counts are collected only while the
   * measurement endpoint is configured and the visitor grants `measurement`, wherever they go.
   */
  countsEndpoint?: string | null;
  /** Base URL relative `priors` / `countsEndpoint` resolve against (the page sends `document.baseURI`). */
  base?: string;
}

export interface PriorsStatus {
  url: string | null;
  /** `updatedAt` of the priors file in use, null when none is. */
  updatedAt: string | null;
  /** Where the priors in use came from: the network, the Cache Storage copy, or nowhere yet. */
  source: 'network' | 'cache' | null;
  /** Experiments the file holds priors for. */
  experiments: number;
  /** The last failure (fetch or validation); the previous priors stay in use. Cleared by the next success. */
  lastError: { code: ErrorCode; message: string; field?: string } | null;
}

export interface ArmCountsStatus {
  /** Whether arm counts are collected now (measurement endpoint configured and `measurement` granted). */
  active: boolean;
  /** Where the batches go while active. */
  endpoint: string | null;
  epsilon: number | null;
  /** Trials counted and not sent yet. */
  pending: number;
  /** Batches the endpoint accepted. */
  sent: number;
  /** Batches lost to a failed request (not retried). */
  failed: number;
  lastError: { code: ErrorCode; message: string } | null;
}

export interface BanditLearningStatus {
  priors: PriorsStatus;
  counts: ArmCountsStatus;
}
