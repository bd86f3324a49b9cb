import { describe, it, expect } from 'vitest';
describe('browser', () => { it('has a worker', () => { expect(typeof Worker).toBe('function'); expect(typeof indexedDB).toBe('object'); }); });
