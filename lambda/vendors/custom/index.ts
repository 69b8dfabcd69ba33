/** Custom vendors, described by options instead of code (`Vendor.custom`). */
import { defineVendor } from '../module';
import { customAdapter } from './adapter';
import { customManifest } from './manifest';
import type { CustomOptions } from './options';

export { customAdapter, customCallbackQuery, hmacSchemeOf, signCustomRequest } from './adapter';
export { customManifest } from './manifest';
export type { CustomHmacAuth, CustomKeyAuth, CustomOptions, CustomPaths, CustomPollOnlyAuth, CustomStandardWebhooksAuth, CustomUnsignedHintAuth } from './options';

export const custom = defineVendor({
  manifest: customManifest,
  createAdapter: (options: CustomOptions, id: string) => customAdapter(options, id),
});
