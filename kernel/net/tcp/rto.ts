/**
 * The retransmission timeout (RFC 6298): smoothed RTT and its variation from
 * samples (never from retransmitted segments: Karn's rule is the caller's),
 * RTO = SRTT + max(G, 4 * RTTVAR), kept within bounds, doubled on each
 * expiry and reset by the next sample.
 */

export interface RtoLimits {
  initialMs: number;
  minMs: number;
  maxMs: number;
  /** Clock granularity G. */
  granularityMs: number;
}

/** RFC 6298 asks for a 1 s initial RTO; the minimum is Linux's 200 ms, which 2.4 allows ("MAY"). */
export const DEFAULT_RTO_LIMITS: RtoLimits = { initialMs: 1000, minMs: 200, maxMs: 60_000, granularityMs: 1 };

export class RetransmissionTimer {
  private srtt: number | undefined;
  private rttvar = 0;
  private base: number;
  private backoff = 0;

  constructor(private readonly limits: RtoLimits = DEFAULT_RTO_LIMITS) {
    this.base = limits.initialMs;
  }

  /** The current timeout, backoff included. */
  get rtoMs(): number {
    return Math.min(this.base * 2 ** this.backoff, this.limits.maxMs);
  }

  get smoothedRttMs(): number | undefined {
    return this.srtt;
  }

  /** A round-trip measurement of a segment sent once (2.2, 2.3). */
  sample(rttMs: number): void {
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.base = Math.min(Math.max(this.srtt + Math.max(this.limits.granularityMs, 4 * this.rttvar), this.limits.minMs), this.limits.maxMs);
    this.backoff = 0;
  }

  /** The timer expired: back off (5.5). */
  expired(): void {
    if (this.rtoMs < this.limits.maxMs) this.backoff++;
  }
}
