// The lab kubelet's loopback IP pool: unique IPs, handed out round robin so a freed one comes back last.
import { describe, expect, it } from 'vitest';
import { createIpPool } from '../../src/lab/kubelet/ip-pool.js';

describe('createIpPool', () => {
  it('hands out each IP once and a freed one only after the others', () => {
    const pool = createIpPool({ prefix: '127.0.1.', first: 1, last: 3 });
    expect([pool.allocate(), pool.allocate()]).toEqual(['127.0.1.1', '127.0.1.2']);
    pool.release('127.0.1.1');
    expect(pool.allocate()).toBe('127.0.1.3');
    expect(pool.allocate()).toBe('127.0.1.1');
    expect(() => pool.allocate()).toThrow('IP pool 127.0.1.1-3 is exhausted');
  });

  it('skips IPs reserved by others, and ignores IPs outside the pool', () => {
    const pool = createIpPool({ prefix: '127.0.1.' });
    expect(pool.reserve('127.0.1.1')).toBe(true);
    expect(pool.reserve('127.0.2.1')).toBe(false);
    expect(pool.reserve('127.0.1.255')).toBe(false);
    expect(pool.allocate()).toBe('127.0.1.2');
  });

  it('refuses a prefix that is not three loopback octets', () => {
    expect(() => createIpPool({ prefix: '10.0.0.' })).toThrow(/loopback/);
    expect(() => createIpPool({ prefix: '127.0.1' })).toThrow(/loopback/);
  });
});
