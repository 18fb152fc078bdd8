// Test fixtures other drivers' tests share: the tiny guest OS and markers on its disks.
export {
  GUEST_DIR,
  guestFile,
  guestImageAvailable,
  READY_MARKER,
  tinyBoot,
} from './guest-image.js';
export { readMarker, writeMarker } from './disk-marker.js';
export { qemuAvailable } from './bare-qemu.js';
export { buildConfigVolume } from './config-volume.js';
export { COUNTER_SCRIPT, installBootScripts } from './guest-lab.js';
