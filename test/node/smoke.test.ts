import { describe, it, expect } from 'vitest';
describe('node', () => { it('runs', () => { expect(typeof WebAssembly.validate).toBe('function'); }); });
