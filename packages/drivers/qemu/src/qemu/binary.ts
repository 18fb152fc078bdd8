/** The QEMU system emulator every VM runs in (x86-64 guests). */
export const QEMU_BINARY = process.env.GRIDPLANE_QEMU_BINARY ?? 'qemu-system-x86_64';
