/**
 * A FUSE session on any FuseDevice made a FileSystem: the part of mounting
 * that runs in Node too (index.ts finds the virtio-fs device in the image).
 */
import type { FuseDevice } from "../../devices/fuse-device.ts";
import type { FileSystem } from "../file-system.ts";
import { FUSE_ROOT_ID, Opcode } from "./protocol.ts";
import { AttrOut } from "./replies.ts";
import { GetattrIn } from "./requests.ts";
import { FuseSession } from "./session.ts";
import { VirtioFileSystem } from "./virtio-file-system.ts";

export interface VirtioFsOptions {
  /** Refuse every change, whatever the host allows. */
  readOnly: boolean;
}

/**
 * Start a FUSE session on `device` and make it a FileSystem. Requests then
 * come from the owner of the shared directory, so files the service creates
 * belong to that host user.
 */
export async function mountFuseDevice(device: FuseDevice, options: VirtioFsOptions): Promise<FileSystem> {
  const session = await FuseSession.open(device);
  const root = new AttrOut(await session.call(Opcode.GETATTR, FUSE_ROOT_ID, [new Uint8Array(GetattrIn.SIZE)], AttrOut.SIZE)).attr;
  session.caller = { uid: root.uid, gid: root.gid };
  return new VirtioFileSystem(session, options.readOnly);
}
