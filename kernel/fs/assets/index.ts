/**
 * The files embedded in the image (`toro build --assets DIR`, or "assets" in
 * the service's package.json), as a read-only file system the VFS mounts at
 * /app. The archive is part of the loaded image; its files are views of that
 * memory, never copied.
 */
import { hw } from "../../hw.ts";
import { FsError } from "../errors.ts";
import type { FileSystem } from "../file-system.ts";
import { parseAssetsArchive } from "./archive.ts";
import { AssetsFileSystem } from "./assets-file-system.ts";

/** Whether the image was built with assets. */
export function hasAssets(): boolean {
  return hw.assets().byteLength > 0;
}

/** The assets as a FileSystem; an FsError("EIO") when the image has none or the archive is corrupt. */
export function mountAssets(): FileSystem {
  const archive = hw.assets();
  if (archive.byteLength === 0) throw new FsError("EIO", "the image has no assets (build it with --assets DIR)");
  return new AssetsFileSystem(parseAssetsArchive(new Uint8Array(archive)));
}
