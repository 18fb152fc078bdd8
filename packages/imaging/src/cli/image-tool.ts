#!/usr/bin/env node
import { packImage, readManifest, verifyImage } from '../archive/image-archive.js';

/**
 * Image archives from the command line (used by scripts/build-app-images.sh):
 *   image-tool pack DIR OUT          DIR holds manifest.json, rootfs/ and (OS) boot/
 *   image-tool inspect ARCHIVE       prints the manifest
 *   image-tool verify ARCHIVE SHA256 checks the hash and every member; exit 1 when bad
 * Each prints one JSON document on stdout.
 */
const [command, ...args] = process.argv.slice(2);

async function main(): Promise<number> {
  if (command === 'pack' && args.length === 2) {
    const packed = await packImage(args[0]!, args[1]!);
    const { name, version, kind } = packed.manifest;
    console.log(
      JSON.stringify({
        name,
        version,
        kind,
        path: packed.path,
        sha256: packed.sha256,
        sizeBytes: packed.sizeBytes,
      }),
    );
    return 0;
  }
  if (command === 'inspect' && args.length === 1) {
    console.log(JSON.stringify(await readManifest(args[0]!), null, 2));
    return 0;
  }
  if (command === 'verify' && args.length === 2) {
    const result = await verifyImage({ path: args[0]!, sha256: args[1]! });
    console.log(
      JSON.stringify(result.ok ? { ok: true, name: result.image.manifest.name } : result),
    );
    return result.ok ? 0 : 1;
  }
  console.error('usage: image-tool pack DIR OUT | inspect ARCHIVE | verify ARCHIVE SHA256');
  return 2;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
