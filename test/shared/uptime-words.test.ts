/**
 * Uptime as the monitor list, a monitor's page and Analytics write it (renderer/src/lib/monitor-format.ts):
 * a window with any failed check never reads as 100.
 */
import { describe, expect, it } from 'vitest';
import { formatUptime } from '../../renderer/src/lib/monitor-format.ts';

describe('uptime in words', () => {
  it('reads 100 % only without a failure, and 99.99 % for one failure in 100,000 checks', () => {
    expect(formatUptime(1)).toBe('100 %');
    expect(formatUptime(99_999 / 100_000)).toBe('99.99 %');
    expect(formatUptime(1 - 1e-9)).toBe('99.99 %');
    expect(formatUptime(0.9995)).toBe('99.95 %');
    expect(formatUptime(0.991)).toBe('99.10 %');
    expect(formatUptime(0.5)).toBe('50.0 %');
    expect(formatUptime(0)).toBe('0.0 %');
    expect(formatUptime(null)).toBe('–');
    expect(formatUptime(undefined)).toBe('–');
  });
});
