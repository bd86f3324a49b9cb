import { afterEach, describe, expect, it } from 'vitest';
import { expose, wrap, type Remote } from 'comlink';
import { isVitrineError, VitrineError } from '../../src/shared/errors.ts';
import { registerErrorTransfer } from '../../src/shared/error-transfer.ts';
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
};

let ports: MessagePort[] = [];

function connect(): Remote<typeof thrower> {
  registerErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  expose(thrower, port1);
  return wrap<typeof thrower>(port2);
}

/** The worker side as the engine's (comlink's expose, Vitrine's handler), the page side as the script tag's. */
function connectPage(): PageRemote<typeof thrower> {
  registerErrorTransfer();
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  expose(thrower, port1);
  port2.start();
  return wrapOnPage<typeof thrower>(port2);
}

afterEach(() => {
  for (const port of ports) port.close();
  ports = [];
});

describe('W11: error transfer handler', () => {
  it('should deliver a thrown VitrineError with its code, message and details', async () => {
    const error = await rejection(connect().vitrine());
    expect(isVitrineError(error)).toBe(true);
    const e = error as VitrineError;
    expect(e.code).toBe('UNKNOWN_PRODUCT');
    expect(e.message).toBe('UNKNOWN_PRODUCT: no product "sku-x"');
    expect(e.details).toEqual({ productId: 'sku-x', field: 'product', offset: 42 });
    // Rebuilt on this side, so instanceof works here too (callers must not rely on it, but it is true).
    expect(e).toBeInstanceOf(VitrineError);
  });

  it('should deliver a rejected async VitrineError the same way', async () => {
    const error = (await rejection(connect().vitrineAsync())) as VitrineError;
    expect(error.code).toBe('BUNDLE_CHECKSUM_MISMATCH');
    expect(error.details).toEqual({ section: 'header', offset: 12 });
  });

  it('should leave other errors to comlink (message and name kept, no code)', async () => {
    const error = (await rejection(connect().plain())) as Error;
    expect(error.message).toBe('plain failure');
    expect(error.name).toBe('TypeError');
    expect(isVitrineError(error)).toBe(false);
  });

  it('should pass thrown non-Error values through unchanged', async () => {
    expect(await rejection(connect().value())).toEqual({ reason: 'not an error' });
  });

  it('can be registered twice without wrapping itself', async () => {
    registerErrorTransfer();
    registerErrorTransfer();
    const error = (await rejection(connect().vitrine())) as VitrineError;
    expect(error.code).toBe('UNKNOWN_PRODUCT');
  });
});

describe("the page's calls to the worker (worker-calls.ts, comlink's protocol without comlink)", () => {
  it('should settle each call with its own answer', async () => {
    const remote = connectPage();
    expect(await Promise.all([remote.echo({ a: [1, 2] }), remote.echo('b'), remote.echo(null)])).toEqual([{ a: [1, 2] }, 'b', null]);
  });

  it('should deliver a thrown VitrineError with its code, message and details', async () => {
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
