/**
 * Sending aggregate statistics (measurement counts, bandit arm counts) and the tally `status()`
 * reports. Anonymous (no cookies, no referrer), never cached, `keepalive` so a batch sent as the
 * page goes still arrives. Statistics, not records: a failed batch is counted and reported, not
 * retried, and never disturbs the visitor.
 */
export class StatisticsPost {
  sent = 0;
  failed = 0;
  lastError: { code: 'MEASUREMENT_FAILED'; message: string } | null = null;

  constructor(
    private readonly fetchImpl: typeof fetch,
    /** What the receiver reads; `text/plain` keeps a cross-origin request simple (no preflight). */
    private readonly contentType: string,
  ) {}

  async send(endpoint: string, batch: unknown): Promise<void> {
    try {
      const response = await this.fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'content-type': this.contentType },
        body: JSON.stringify(batch),
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        cache: 'no-store',
        keepalive: true,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.sent += 1;
      this.lastError = null;
    } catch (error) {
      this.failed += 1;
      this.lastError = { code: 'MEASUREMENT_FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  }
}
