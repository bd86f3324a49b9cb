/**
 * The reference receiver of arm counts: accepts POSTed `ArmCountBatch` bodies (JSON, sent as
 * `text/plain` like a beacon or as `application/json`), checks them strictly, and appends one
 * `ReceivedCount` line per count to an append-only JSONL file that `vitrine bandit fold` reads.
 * It stores what the batch holds plus the arrival time (to the second) and nothing else: no IP
 * address, header, cookie, user agent or referrer, and it keeps no log of requests.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ArmCount, ArmCountBatch, ReceivedCount } from '../../shared/bandit/counts.ts';
import { isName } from '../../shared/bandit/priors-file.ts';
import { VitrineError } from '../../shared/errors.ts';

/** Largest body accepted: 500 counts of short names fit in well under this. */
export const MAX_BODY_BYTES = 64_000;
/** Most counts in one batch (the worker sends at most 500 distinct tallies per window). */
export const MAX_COUNTS = 500;
/** Most trials one count may claim: a device does not show one arm a million times in one window. */
export const MAX_TRIALS = 1_000_000;
/** Largest epsilon a batch may carry (the worker's own limit). */
export const MAX_EPSILON = 20;

const COUNT_KEYS = ['arm', 'experiment', 'segment', 'successes', 'trials'];

function bad(field: string, message: string): VitrineError {
  return new VitrineError('COUNTS_INVALID', `${field}: ${message}`, { field });
}

function exactKeys(record: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(record)) if (!allowed.includes(key)) throw bad(`${field}.${key}`, 'is not allowed');
}

function plainObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(field, 'must be an object');
  return value as Record<string, unknown>;
}

/** An error's message without the `CODE: ` prefix a VitrineError's message carries. */
export function plainMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^[A-Z][A-Z0-9_]*: /, '');
}

/** Checks an epsilon: a number in (0, 20]. */
export function checkEpsilon(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_EPSILON)
    throw bad(field, `must be a number > 0 and <= ${MAX_EPSILON}`);
  return value;
}

/** One count: exactly experiment, arm, segment (names of 1–64 characters), trials (whole, >= 1) and successes (0..trials; whole with epsilon). */
export function checkCount(value: unknown, field: string, randomised: boolean, extraKeys: readonly string[] = []): ArmCount {
  const record = plainObject(value, field);
  exactKeys(record, [...COUNT_KEYS, ...extraKeys], field);
  for (const key of ['experiment', 'arm', 'segment'])
    if (!isName(record[key])) throw bad(`${field}.${key}`, 'must be a name of 1 to 64 characters');
  const { trials, successes } = record;
  if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1 || trials > MAX_TRIALS)
    throw bad(`${field}.trials`, `must be a whole number from 1 to ${MAX_TRIALS}`);
  if (
    typeof successes !== 'number' ||
    !Number.isFinite(successes) ||
    successes < 0 ||
    successes > trials ||
    (randomised && !Number.isInteger(successes))
  )
    throw bad(`${field}.successes`, `must be a number from 0 to trials${randomised ? ', whole with epsilon' : ''}`);
  return { experiment: record.experiment as string, arm: record.arm as string, segment: record.segment as string, trials, successes };
}

/** Parses and checks one batch body; `VitrineError('COUNTS_INVALID')` names the first bad field. */
export function parseArmCountBatch(text: string): ArmCountBatch {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('body', 'is not JSON');
  }
  const record = plainObject(parsed, 'body');
  exactKeys(record, ['v', 'counts', 'epsilon'], 'body');
  if (record.v !== 1) throw bad('v', 'must be 1');
  const epsilon = record.epsilon === undefined ? undefined : checkEpsilon(record.epsilon, 'epsilon');
  if (!Array.isArray(record.counts) || record.counts.length === 0 || record.counts.length > MAX_COUNTS)
    throw bad('counts', `must be an array of 1 to ${MAX_COUNTS} counts`);
  const counts = record.counts.map((count, i) => checkCount(count, `counts[${i}]`, epsilon !== undefined));
  return epsilon === undefined ? { v: 1, counts } : { v: 1, counts, epsilon };
}

/**
 * The JSONL lines of one accepted batch, stamped with its arrival time to the second, rounded up:
 * a fold at time t adds the lines stamped <= t (all already in the file) and the next one those
 * stamped later, so a line arriving in the same second as a fold, after it, is folded next time
 * (rounded down it would look already folded, and be lost).
 */
export function receivedLines(batch: ArmCountBatch, receivedAt: Date): string {
  const at = new Date(Math.ceil(receivedAt.getTime() / 1000) * 1000).toISOString();
  return batch.counts
    .map((count) => {
      const line: ReceivedCount = { ...count, receivedAt: at, ...(batch.epsilon !== undefined && { epsilon: batch.epsilon }) };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}

export interface ReceiverAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * What the receiver answers to one request, given only its method, content type and body (which
 * is all it looks at); an accepted batch is appended to `out` first. CORS is open: batches come
 * from shop pages on other origins, carry no credentials, and the answer reveals nothing.
 */
export function receiveBatch(method: string, contentType: string | undefined, body: string, out: string, now = new Date()): ReceiverAnswer {
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' };
  if (method !== 'POST') return { status: 405, body: 'POST arm-count batches here\n', headers: { ...headers, allow: 'POST' } };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain')
    return { status: 400, body: 'content-type must be application/json or text/plain\n', headers };
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) return { status: 413, body: `at most ${MAX_BODY_BYTES} bytes\n`, headers };
  let batch: ArmCountBatch;
  try {
    batch = parseArmCountBatch(body);
  } catch (error) {
    return { status: 400, body: `${plainMessage(error)}\n`, headers };
  }
  appendFileSync(out, receivedLines(batch, now));
  return { status: 204, body: '', headers };
}

/** Reads a request body, giving up (null) past `limit` bytes. */
export function readLimited(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap the rest is read and dropped (not reset), so the client hears the 413.
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => done(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

/** A server that receives batches at `path` (every other path: 404) and appends them to `out`. */
export function startReceiver(out: string, port: number, host = '127.0.0.1', path = '/'): Promise<Server> {
  const server = createServer(async (req, res) => {
    const answer = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) return answer(404, 'not found\n');
    const body = await readLimited(req).catch(() => null);
    if (body === null) return answer(413, `at most ${MAX_BODY_BYTES} bytes\n`);
    const result = receiveBatch(req.method ?? 'GET', req.headers['content-type'], body, out);
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  });
  return new Promise((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ready(server));
  });
}
