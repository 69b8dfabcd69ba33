/**
 * The vendor list: one line per vendor. Every per-vendor table of the runtime (adapters, option
 * checks, samples, local secret variables, CLI help, the benchmarks) is derived from it; adding a
 * vendor is its folder, its file under lib/vendors/, one line here and one in lib/vendor.ts (its
 * `Vendor.<vendor>()` factory).
 */
import { custom } from './custom';
import { elevenlabs } from './elevenlabs';
import { fal } from './fal';
import { heygen } from './heygen';
import { lipdub } from './lipdub';
import { luma } from './luma';
import type { VendorModule } from './module';
import { mux } from './mux';
import { replicate } from './replicate';
import { runway } from './runway';
import { sync } from './sync';
import { synthesia } from './synthesia';
import { tavus } from './tavus';
import { viralsync } from './viralsync';

export const VENDORS: readonly VendorModule[] = [sync, lipdub, viralsync, synthesia, replicate, mux, elevenlabs, fal, luma, runway, heygen, tavus, custom];
