/**
 * The default limit on a request body, bounded by the guest's memory: a
 * quarter of it, at most 128 MiB (Bun's default). A body read whole is held
 * once, and its text (`text()`, `json()`) once more, so a body at the limit
 * and its text take half the memory, beside the quarter the TCP buffers may
 * use; the rest is the service's. At the default 64 MiB that is 15.3 MiB
 * (the kernel manages a little less than the guest has).
 */
const MAX_DEFAULT = 128 * 1024 * 1024;

/** The default maxRequestBodySize for a guest whose kernel manages `totalBytes` of memory. */
export function defaultMaxRequestBodySize(totalBytes: number): number {
  return Math.min(MAX_DEFAULT, Math.floor(totalBytes / 4));
}
