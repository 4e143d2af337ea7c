/**
 * What the filesystem unit sees of a disk. virtio-blk implements it in the
 * image; tests implement it over a byte array. Many requests may be in flight.
 */
export interface BlockDevice {
  /** "disk0", "disk1", … in the order of --disk flags. */
  readonly name: string;
  /** Bytes per sector, the unit of addressing (512 for virtio-blk). */
  readonly sectorSize: number;
  /** Capacity in sectors. */
  readonly sectors: number;
  readonly readOnly: boolean;
  /** Whether discard() does anything on this device. */
  readonly canDiscard: boolean;
  /** How many requests the device takes at once; more wait in the driver. */
  readonly maxInFlight: number;

  /** Read `count` sectors from `sector`. */
  read(sector: number, count: number): Promise<Uint8Array>;
  /** Write whole sectors from `sector`; a read-only device rejects with an error. */
  write(sector: number, data: Uint8Array): Promise<void>;
  /** Make every completed write durable. */
  flush(): Promise<void>;
  /** Tell the device these sectors are unused (a no-op where canDiscard is false). */
  discard(sector: number, count: number): Promise<void>;

  /**
   * For the exit path only, where the event loop will not turn again (a
   * service called exit() with data still cached): write whole sectors and
   * wait for the device right here. Throws what write() would reject with.
   */
  writeSync(sector: number, data: Uint8Array): void;
  /** The same for flush(). */
  flushSync(): void;
}
