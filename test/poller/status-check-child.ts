/**
 * One status check in a process of its own, for what a jest worker cannot measure or set up: the
 * peak RSS a hostile answer costs (`process.resourceUsage().maxRSS` before and after), and a TLS
 * server the real fetch trusts (NODE_EXTRA_CA_CERTS is read only at start). Run by
 * `checkInChild` (./hostile-http.ts): `node --import tsx status-check-child.ts '<ChildCheck JSON>'`;
 * prints one ChildReport JSON line.
 */
import { StatusClient } from '../../lambda/poller/status-client';
import { createAdapter } from '../../lambda/vendors/registry';
import type { ChildCheck, ChildReport } from './hostile-http';

async function main(): Promise<void> {
  const check = JSON.parse(process.argv[2] ?? '{}') as ChildCheck;
  const api = createAdapter(check.vendor).statusApi;
  if (!api) throw new Error(`vendor ${check.vendor.id} has no status API`);
  const client = new StatusClient();
  const ctx = { baseUrl: check.baseUrl, apiKey: check.apiKey };
  // The fake status APIs are on 127.0.0.1 over http: asked only with the opt-in.
  const options = () => ({ timeoutMs: check.timeoutMs, deadlineMs: Date.now() + check.timeoutMs + 5000, allowInsecureStatusApi: true });
  if (check.warmJobId) await client.check(api, check.warmJobId, ctx, options());
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  const result = await client.check(api, check.jobId, ctx, options());
  const ms = Math.round(performance.now() - started);
  const peak = process.resourceUsage().maxRSS;
  const report: ChildReport = { result, ms, peakRssGrowthKb: peak - before, peakRssKb: peak };
  console.log(JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
