import { afterEach, describe, expect, it } from 'vitest';
import { wrap, type Remote } from 'comlink';
import { isVitrineError, VitrineError } from '../../src/shared/errors.ts';
import { serveCalls } from '../../src/worker/serve-calls.ts';
import { transfer, wrap as wrapOnPage, type Remote as PageRemote } from '../../src/embed/worker-calls.ts';
import { rejection } from '../fixtures/rejection.ts';

/** Something that throws in every way a worker API can. */
const thrower = {
  vitrine(): never {
    throw new VitrineError('UNKNOWN_PRODUCT', 'no product "sku-x"', { productId: 'sku-x', field: 'product', offset: 42 });
  },
  async vitrineAsync(): Promise<never> {
    throw new VitrineError('BUNDLE_CHECKSUM_MISMATCH', 'checksum differs', { section: 'header', offset: 12 });
  },
  plain(): never {
    throw new TypeError('plain failure');
  },
  value(): never {
    throw { reason: 'not an error' };
  },
  echo<T>(value: T): T {
    return value;
  },
  byteLength(buffer: ArrayBuffer): number {
    return buffer.byteLength;
  },
  uncloneable(): () => void {
    return () => undefined;
  },
};

let ports: MessagePort[] = [];

/** The worker side as the engine's (serve-calls.ts), the page side as the script tag's (worker-calls.ts). */
function connectPage(): PageRemote<typeof thrower> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serveCalls(thrower, port1);
  port1.start();
  port2.start();
  return wrapOnPage<typeof thrower>(port2);
}

/** The worker side as the engine's, called with comlink's own `wrap`: the protocol is comlink's. */
function connectComlink(): Remote<typeof thrower> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  serveCalls(thrower, port1);
  port1.start();
  return wrap<typeof thrower>(port2);
}

afterEach(() => {
  for (const port of ports) port.close();
  ports = [];
});

describe("the worker's answers (serve-calls.ts, comlink's protocol without comlink), called with comlink's wrap", () => {
  it('should answer a method call', async () => {
    expect(await connectComlink().echo({ a: [1, 2] })).toEqual({ a: [1, 2] });
  });

  it('should leave errors other than VitrineError as comlink does (message and name kept, no code)', async () => {
    const error = (await rejection(connectComlink().plain())) as Error;
    expect([error.message, error.name, isVitrineError(error)]).toEqual(['plain failure', 'TypeError', false]);
    expect(await rejection(connectComlink().value())).toEqual({ reason: 'not an error' });
  });
});

describe("the page's calls to the worker (worker-calls.ts to serve-calls.ts)", () => {
  it('should deliver a thrown VitrineError with its code, message and details', async () => {
    const error = await rejection(connectPage().vitrine());
    expect(isVitrineError(error)).toBe(true);
    const e = error as VitrineError;
    expect(e.code).toBe('UNKNOWN_PRODUCT');
    expect(e.message).toBe('UNKNOWN_PRODUCT: no product "sku-x"');
    expect(e.details).toEqual({ productId: 'sku-x', field: 'product', offset: 42 });
    // Rebuilt on this side, so instanceof works here too (callers must not rely on it, but it is true).
    expect(e).toBeInstanceOf(VitrineError);
  });

  it('should reject a method the API does not have, or one of its prototype, with a TypeError naming it', async () => {
    const remote = connectPage() as unknown as Record<string, () => Promise<unknown>>;
    for (const name of ['missing', 'toString', '__proto__']) {
      const error = (await rejection(remote[name]!())) as Error;
      expect([error.name, error.message]).toEqual(['TypeError', `the engine has no method "${name}"`]);
    }
  });

  it('should answer a result structured clone refuses with an error, not silence', async () => {
    const error = (await rejection(connectPage().uncloneable())) as Error;
    expect([error.name, error.message]).toEqual(['TypeError', 'Unserializable return value']);
  });

  it('should settle each call with its own answer', async () => {
    const remote = connectPage();
    expect(await Promise.all([remote.echo({ a: [1, 2] }), remote.echo('b'), remote.echo(null)])).toEqual([{ a: [1, 2] }, 'b', null]);
  });

  it('should deliver a rejected async VitrineError the same way', async () => {
    const error = (await rejection(connectPage().vitrineAsync())) as VitrineError;
    expect(isVitrineError(error)).toBe(true);
    expect(error.code).toBe('BUNDLE_CHECKSUM_MISMATCH');
    expect(error.message).toBe('BUNDLE_CHECKSUM_MISMATCH: checksum differs');
    expect(error.details).toEqual({ section: 'header', offset: 12 });
  });

  it('should deliver other errors with their message and name, and thrown values unchanged', async () => {
    const remote = connectPage();
    const error = (await rejection(remote.plain())) as Error;
    expect(error).toBeInstanceOf(Error);
    expect([error.message, error.name, isVitrineError(error)]).toEqual(['plain failure', 'TypeError', false]);
    expect(await rejection(remote.value())).toEqual({ reason: 'not an error' });
  });

  it('should move a transferred ArrayBuffer instead of copying it', async () => {
    const buffer = new ArrayBuffer(64);
    expect(await connectPage().byteLength(transfer(buffer, [buffer]))).toBe(64);
    expect(buffer.byteLength).toBe(0);
  });

  it('should not pass for a promise (awaiting the remote itself sends nothing)', async () => {
    const remote = connectPage();
    expect(await Promise.resolve(remote)).toBe(remote);
  });
});
