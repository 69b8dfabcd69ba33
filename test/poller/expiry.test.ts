import { newRecord } from '../../lambda/core/delivery';
import { expiredFields, formatDuration } from '../../lambda/poller/expiry';
import { TEST_DELIVERY_CONFIG } from '../support/emulators';

describe('expired event fields', () => {
  it('names the give-up age in the largest whole unit, hours under a week', () => {
    expect([48 * 3600_000, 3600_000, 90 * 60_000, 45_000, 14 * 86_400_000, 1500].map(formatDuration)).toEqual([
      '48 hours',
      '1 hour',
      '90 minutes',
      '45 seconds',
      '14 days',
      '1500 ms',
    ]);
  });

  it('carries the last answer when there was one, else says why, with every field present', () => {
    const job = newRecord('sync', 'g', Date.parse('2026-11-22T12:00:00Z'), TEST_DELIVERY_CONFIG);
    const without = expiredFields(job, 48 * 3600_000, undefined, 1);
    expect(without).toEqual({
      jobId: 'g',
      status: 'expired',
      progress: null,
      stage: null,
      outputUrl: null,
      media: null,
      error: { message: 'no final status within 48 hours', code: 'expired' },
      vendorEventType: null,
      vendorStatus: null,
      occurredAtMs: 1,
      raw: { reason: 'give-up', lastKnownStatus: 'registered', lastActivityAt: '2026-11-22T12:00:00.000Z' },
    });
    const last = { ...without, status: 'processing' as const, vendorStatus: 'PROCESSING', raw: { id: 'g', status: 'PROCESSING' } };
    expect(expiredFields(job, 48 * 3600_000, last, 1)).toMatchObject({ status: 'expired', vendorStatus: 'PROCESSING', raw: { id: 'g', status: 'PROCESSING' } });
  });
});
