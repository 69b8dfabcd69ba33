/** Tavus: everything about it is in this folder. */
import { defineVendor } from '../module';
import { tavusAdapter, type TavusOptions } from './adapter';
import { tavusManifest } from './manifest';
import { tavusSamples } from './samples';

export { tavusAdapter, type TavusOptions } from './adapter';
export { tavusManifest } from './manifest';
export { TAVUS_STATUSES, tavusVideoFields } from './status-api';

export const tavus = defineVendor({
  manifest: tavusManifest,
  createAdapter: (options: TavusOptions, id: string) => tavusAdapter(options, id),
  samples: tavusSamples,
});
