/**
 * Exit codes of `toro run`. The service's own code passes through (0-123;
 * `exit(n)` in the guest); the rest are the runtime's.
 *
 * The guest reports through QEMU's isa-debug-exit device: it writes
 * code + 1, and QEMU exits with ((code + 1) << 1) | 1. The + 1 keeps every
 * guest report apart from QEMU's own failure status, 1.
 */
export const EXIT_UNCAUGHT = 1;        // an uncaught error or unhandled rejection (as in Node)
export const EXIT_USAGE = 2;           // a bad flag or a missing file; the VM never started
export const EXIT_UNSETTLED = 13;      // a top-level await never settled, nothing left pending (as in Node)
export const EXIT_TIMEOUT = 124;       // --timeout expired (as timeout(1))
export const EXIT_FAULT = 125;         // a CPU fault or a platform panic in the guest
export const EXIT_NO_REPORT = 126;     // the VM could not start, or ended without an exit code
export const EXIT_OUTPUT_CLOSED = 141; // stdout's reader went away (128 + SIGPIPE, as a shell reports it)

export type VmOutcome =
  | { kind: "exited"; code: number }
  | { kind: "qemu-failed" }
  | { kind: "no-report" };

/** What a QEMU process's exit status says about the guest. */
export function outcomeOfQemuStatus(status: number | null): VmOutcome {
  if (status === null || status === 0) return { kind: "no-report" };
  if (status === 1) return { kind: "qemu-failed" };
  if (status % 2 === 1) return { kind: "exited", code: (status - 1) / 2 - 1 };
  return { kind: "qemu-failed" };
}
