import { noopLogger } from '../context.js';
import { readImageFilesystem } from '../inventory/image-inventory.js';
import type { ImageFilesystem, ImageInventoryLimits } from '../inventory/image-inventory.js';
import { OciLayoutCore } from '../sources/image/oci-layout.js';
import { resolveImage } from '../sources/image/open.js';
import { parsePlatform } from '../sources/image/platform.js';
import { blobsOf, tempDir, writeLayout } from './registry.js';
import type { BuiltImage } from './registry.js';

/** Inventory limits for tests: generous, but small enough that a runaway test stops. */
export const TEST_INVENTORY_LIMITS: ImageInventoryLimits = { maxDecompressedBytes: 1 << 30, maxEntries: 100_000, maxRatio: 1000, maxDocumentBytes: 1 << 20 };

/**
 * The filesystem vouch sees in a built image: written as an OCI layout in a temporary folder,
 * resolved for linux/amd64 and read layer by layer, as `vouch image oci:…` would.
 */
export async function squash(image: BuiltImage, limits: ImageInventoryLimits = TEST_INVENTORY_LIMITS): Promise<ImageFilesystem> {
  const tmp = tempDir('vouch-fs-');
  try {
    writeLayout(tmp.dir, blobsOf(image), [{ blob: image.manifest }]);
    const core = new OciLayoutCore(tmp.dir, {}, 1 << 20);
    const img = await resolveImage(core, parsePlatform('linux/amd64'));
    return await readImageFilesystem(core, img.manifest.config, img.manifest.layers, limits, { now: new Date(0), log: noopLogger });
  } finally {
    tmp.remove();
  }
}
