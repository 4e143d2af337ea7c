/**
 * What the network unit sees of a network card. virtio-net implements it in
 * the image; tests implement it with simulated links. Nothing virtio leaks.
 */
export interface NetworkInterface {
  /** "net0", "net1", … in discovery order. */
  readonly name: string;
  /** The card's Ethernet address, 6 bytes. */
  readonly mac: Uint8Array;
  /** The largest IP packet a frame carries (Ethernet payload), usually 1500. */
  readonly mtu: number;
  readonly linkUp: boolean;
  /** How many frames fit in the transmit queue; send() refuses beyond. */
  readonly transmitQueueSize: number;
  /**
   * Queue one Ethernet frame (header included, no FCS) to send; the bytes are
   * copied, so the caller may reuse them. False when the transmit queue is
   * full: wait for onWritable. Frames queued in one event-loop turn go to the
   * device with one notification.
   */
  send(frame: Uint8Array): boolean;
  /**
   * Queue a frame of `length` bytes that `fill` writes in place, into the
   * card's own transmit buffer (zeroed, valid only during the call): the
   * IP stack builds its frames this way, with no copy. False, without
   * calling `fill`, when the transmit queue is full.
   */
  transmit(length: number, fill: (frame: Uint8Array) => void): boolean;
  /**
   * Receive frames. The handler gets the frames that arrived together; each
   * view is valid only during the call (its buffer then goes back to the card).
   * Listening keeps the service alive, as a listening socket does, unless
   * `keepAlive` is false (the IP stack's choice: its sockets decide).
   */
  onReceive(handler: (frames: Uint8Array[]) => void, keepAlive?: boolean): void;
  /** The transmit queue has room again after send() returned false. */
  onWritable(handler: () => void): void;
  onLinkChange(handler: (up: boolean) => void): void;
}
