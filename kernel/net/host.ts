/** What the network unit needs from its surroundings; the image gives it the event loop, tests a fake clock. */
export interface NetHost {
  nowMs(): number;
  /** A background timer: it does not by itself keep the service alive. */
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  random(): number;
  log(message: string): void;
}
