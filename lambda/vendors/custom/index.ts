/** Custom vendors, described by options instead of code (`Vendor.custom`). */
import type { AdapterPorts } from '../../core/adapter';
import { defineVendor } from '../module';
import { customAdapter } from './adapter';
import { customManifest } from './manifest';
import type { CustomOptions } from './options';

export { customAdapter, customCallbackQuery, ed25519SchemeOf, hmacSchemeOf, signCustomRequest } from './adapter';
export { customManifest } from './manifest';
export type {
  CustomEd25519JwksAuth,
  CustomHmacAuth,
  CustomKeyAuth,
  CustomKeyedHeaderAuth,
  CustomOptions,
  CustomPaths,
  CustomPollOnlyAuth,
  CustomStandardWebhooksAuth,
  CustomUnsignedHintAuth,
} from './options';

export const custom = defineVendor({
  manifest: customManifest,
  createAdapter: (options: CustomOptions, id: string, ports: AdapterPorts) => customAdapter(options, id, ports),
});
