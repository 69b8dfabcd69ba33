/** Reading the environment the constructs set (lambda/contract/deployment.ts `ENV`), with the library defaults. */
import { DEFAULTS, ENV } from '../contract/deployment';
import type { DeliveryConfig } from '../core/delivery';

/** The delivery settings from the environment the constructs set, with the library defaults. */
export function deliveryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DeliveryConfig {
  return deliveryConfig({
    dedupeWindowSeconds: envNumber(env[ENV.DEDUPE_WINDOW_SECONDS], DEFAULTS.dedupeWindowSeconds),
    staleAfterSeconds: envNumber(env[ENV.STALE_AFTER_SECONDS], DEFAULTS.staleAfterSeconds),
    giveUpAfterSeconds: envNumber(env[ENV.GIVE_UP_AFTER_SECONDS], DEFAULTS.giveUpAfterSeconds),
  });
}

/** The delivery settings, the library defaults for what is not given. */
export function deliveryConfig(settings: { readonly dedupeWindowSeconds?: number; readonly staleAfterSeconds?: number; readonly giveUpAfterSeconds?: number } = {}): DeliveryConfig {
  return {
    dedupeWindowMs: (settings.dedupeWindowSeconds ?? DEFAULTS.dedupeWindowSeconds) * 1000,
    staleAfterMs: (settings.staleAfterSeconds ?? DEFAULTS.staleAfterSeconds) * 1000,
    giveUpAfterMs: (settings.giveUpAfterSeconds ?? DEFAULTS.giveUpAfterSeconds) * 1000,
    claimLeaseMs: DEFAULTS.claimLeaseMs,
    busyWaitMs: DEFAULTS.busyWaitMs,
  };
}

/** A non-negative number from an environment variable, or `fallback` when unset or not one. */
export function envNumber(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** A required environment variable, with an error that says what is missing. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set: deploy the function with the VideoWebhookIngestion construct, or set it`);
  return value;
}
