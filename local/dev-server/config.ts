/**
 * `--config FILE` of `video-webhooks dev` and `send`: custom vendors as JSON,
 * `{"vendors":[{"id":"acme","options":{...}}]}`, where `options` are exactly the JSON options of
 * the custom kind (lambda/vendors/custom/options.ts). Each vendor's options go through the
 * registry's `createAdapter`, the one options check synth and cold start run too, so a misspelt
 * option at any depth fails the load with its path and the valid names.
 */
import { readFileSync } from 'node:fs';
import type { VendorRuntimeConfig } from '../../lambda/contract/deployment';
import type { VendorRegistry } from '../../lambda/vendors/registry';
import { DevServerStartError, errorCode } from './start-errors';

/** The kind config vendors run on. */
export const CONFIG_VENDOR_KIND = 'custom';

/** The form of a vendor id, as `Vendor` checks it at synth time (lib/vendor.ts `VENDOR_ID_PATTERN`). */
const VENDOR_ID = /^[a-z][a-z0-9-]{0,31}$/;

const SHAPE = '{"vendors":[{"id":"acme","options":{...}}]}';

/** The vendors of a config file, their options checked; throws a DevServerStartError naming the file and what to fix. */
export function readVendorConfig(file: string, vendors: VendorRegistry): VendorRuntimeConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DevServerStartError(`--config ${file}: cannot read it (${errorCode(err)}): give a JSON file ${SHAPE}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DevServerStartError(`--config ${file}: it is not JSON (${(err as Error).message})`);
  }
  const problem = (message: string) => new DevServerStartError(`--config ${file}: ${message}`);
  const entries = vendorEntries(json, problem);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const config = vendorOf(entry, `vendors[${i}]`, vendors, seen, problem);
    try {
      vendors.createAdapter(config);
    } catch (err) {
      throw problem((err as Error).message);
    }
    return config;
  });
}

function vendorEntries(json: unknown, problem: (message: string) => Error): unknown[] {
  if (!isObject(json)) throw problem(`use an object ${SHAPE}`);
  const extra = Object.keys(json).find((k) => k !== 'vendors');
  if (extra !== undefined) throw problem(`${extra} is not a setting: use vendors`);
  if (!Array.isArray(json.vendors)) throw problem(`vendors must be a list: ${SHAPE}`);
  return json.vendors;
}

function vendorOf(entry: unknown, at: string, vendors: VendorRegistry, seen: Set<string>, problem: (message: string) => Error): VendorRuntimeConfig {
  if (!isObject(entry)) throw problem(`${at} must be an object {"id": "...", "options": {...}}`);
  const extra = Object.keys(entry).find((k) => k !== 'id' && k !== 'options');
  if (extra !== undefined) throw problem(`${at}.${extra} is not a setting: use id, options`);
  const id = entry.id;
  if (typeof id !== 'string' || !VENDOR_ID.test(id)) {
    throw problem(`${at}.id ${JSON.stringify(id ?? null)} is invalid: use lower case letters, digits and "-", starting with a letter, at most 32 characters (e.g. "acme-video")`);
  }
  if (vendors.builtIn(id)) throw problem(`${at}.id "${id}" is a built-in vendor: pick another id`);
  if (seen.has(id)) throw problem(`${at}.id "${id}" is given twice: give each vendor its own id`);
  seen.add(id);
  if (!isObject(entry.options)) throw problem(`${at}.options must be the custom vendor's options: auth, paths, statusMap, ...`);
  const auth = isObject(entry.options.auth) ? entry.options.auth.type : undefined;
  if ((auth === 'unsigned-hint' || auth === 'poll-only') && entry.options.statusUrlTemplate === undefined) {
    throw problem(`${at}: ${auth === 'poll-only' ? 'a poll-only vendor' : 'an unsigned vendor'} reports through its status API alone: set options.statusUrlTemplate`);
  }
  return { id, kind: CONFIG_VENDOR_KIND, options: entry.options };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
