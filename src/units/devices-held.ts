// What a job holds, in words, for messages: whole devices as a count with its noun ('4 devices'),
// a GPU-sharing job as its share ('0.3 of a device'), so that a reason never calls a 0.3-GPU pod
// one device.
import { countOf } from './count-noun.js';

/** Thousandths of a device: a whole one (the cluster's WHOLE_DEVICE_MILLI). */
const WHOLE = 1000;

/** `devices` devices of which the job holds `milli` thousandths each: '1 device', '4 devices', '0.3 of a device', '0.5 of each of 2 devices'. */
export function devicesHeldText(devices: number, milli: number): string {
  if (milli >= WHOLE) return countOf(devices, 'device');
  const share = String(milli / WHOLE);
  return devices === 1 ? `${share} of a device` : `${share} of each of ${devices} devices`;
}
