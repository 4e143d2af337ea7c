/**
 * What the virtio-fs client (kernel/fs/virtiofs) sees of a device that
 * carries FUSE messages: virtio-fs implements it in the image; tests
 * implement it over an in-memory FUSE server. Many requests may be in
 * flight.
 */
export interface FuseDevice {
  /** "fs0", "fs1", … in the order the devices were found. */
  readonly name: string;
  /** The file system's name, as the host exported it (virtio-fs's tag). */
  readonly tag: string;
  /** A request and its reply take at most this many bytes together. */
  readonly maxMessageBytes: number;

  /**
   * Send one request (its parts, header first, make the message) and resolve
   * to what the server wrote back, at most `replyLength` bytes. Rejects
   * when the device fails, never for a FUSE error (that is in the reply).
   */
  request(parts: readonly Uint8Array[], replyLength: number): Promise<Uint8Array>;
  /** Send a request that has no reply (FORGET, BATCH_FORGET), ahead of the others where the device can. */
  post(parts: readonly Uint8Array[]): void;
}
