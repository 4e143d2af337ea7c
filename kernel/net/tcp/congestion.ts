/**
 * Congestion control: slow start and congestion avoidance (RFC 5681), fast
 * retransmit on three duplicate ACKs (fewer when fewer segments are out: early
 * retransmit, RFC 5827), limited transmit (RFC 3042), and NewReno fast
 * recovery with its recovery point and partial ACKs (RFC 6582). Byte counts; the connection
 * tells it what the ACKs said and does the sending.
 */
import { seqGe, seqLt } from "./sequence.ts";

const DUPLICATE_THRESHOLD = 3;

export type AckVerdict =
  | "none"             // nothing to do beyond sending what the window allows
  | "fast-retransmit"  // resend the first unacknowledged segment now
  | "partial-ack";     // in recovery: resend the next unacknowledged segment

export class NewReno {
  /** Congestion window, bytes. */
  cwnd: number;
  /** Slow-start threshold, bytes. */
  ssthresh = Number.MAX_SAFE_INTEGER;
  private duplicates = 0;
  private recover: number | undefined;
  /** SND.NXT at the last timeout: duplicate ACKs below it are echoes of that loss, not a new one (RFC 6582 4.1). */
  private timeoutPoint: number | undefined;
  /** Bytes acknowledged in congestion avoidance since cwnd last grew. */
  private acked = 0;

  constructor(private readonly mss: number) {
    // RFC 5681 3.1: IW = min(4 * MSS, max(2 * MSS, 4380 bytes)).
    this.cwnd = Math.min(4 * mss, Math.max(2 * mss, 4380));
  }

  get inRecovery(): boolean {
    return this.recover !== undefined;
  }

  /**
   * An ACK arrived. `ackedBytes` is how much new data it covers (0 for a
   * duplicate), `ack` its number, `highestSent` SND.NXT, `flight` the bytes
   * outstanding before it; `threshold` the duplicates that mean a loss;
   * `acks` how many ACKs arrived together and were taken as this one.
   */
  onAck(ack: number, ackedBytes: number, highestSent: number, flight: number, threshold = DUPLICATE_THRESHOLD, acks = 1): AckVerdict {
    if (ackedBytes === 0) return this.onDuplicate(ack, highestSent, flight, threshold);
    this.duplicates = 0;
    if (this.recover !== undefined) {
      if (seqGe(ack, this.recover)) {
        // Full acknowledgment: leave recovery with cwnd = min(ssthresh, flight + MSS) (RFC 6582 3.2, step 3).
        this.cwnd = Math.min(this.ssthresh, Math.max(flight - ackedBytes, 0) + this.mss);
        this.recover = undefined;
        return "none";
      }
      // Partial acknowledgment: deflate by what was acked, add back one MSS, resend the next hole.
      this.cwnd = Math.max(this.cwnd - ackedBytes + this.mss, this.mss);
      return "partial-ack";
    }
    if (this.cwnd < this.ssthresh) {
      this.cwnd += Math.min(ackedBytes, acks * this.mss); // slow start (3.1, with appropriate byte counting L = 1 MSS an ACK)
    } else {
      this.acked += ackedBytes;
      if (this.acked >= this.cwnd) {
        this.acked -= this.cwnd;
        this.cwnd += this.mss; // one MSS per window of data acknowledged
      }
    }
    return "none";
  }

  /** The retransmission timer expired (RFC 5681 3.1, equation 4); `highestSent` is SND.NXT then. */
  onTimeout(flight: number, highestSent: number): void {
    this.timeoutPoint = highestSent;
    this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
    this.cwnd = this.mss;
    this.duplicates = 0;
    this.recover = undefined;
    this.acked = 0;
  }

  /**
   * The duplicate ACKs that mean a loss with `flight` bytes out: three, or,
   * with fewer than four segments out, one less than their count (RFC 5827),
   * since a small window cannot produce three.
   */
  static threshold(flight: number, mss: number): number {
    return Math.max(1, Math.min(DUPLICATE_THRESHOLD, Math.ceil(flight / mss) - 1));
  }

  /** Bytes that may go beyond cwnd now: one segment for each of the first two duplicates (RFC 3042). */
  get limitedTransmit(): number {
    return this.recover === undefined && this.duplicates < DUPLICATE_THRESHOLD ? this.duplicates * this.mss : 0;
  }

  private onDuplicate(ack: number, highestSent: number, flight: number, threshold: number): AckVerdict {
    if (++this.duplicates < threshold) return "none";
    if (this.timeoutPoint !== undefined && seqLt(ack, this.timeoutPoint)) return "none";
    this.timeoutPoint = undefined;
    if (this.recover === undefined) {
      // Enter fast recovery only for losses after the last recovery point (RFC 6582 3.2, step 2).
      this.ssthresh = Math.max(Math.floor(flight / 2), 2 * this.mss);
      this.cwnd = this.ssthresh + this.duplicates * this.mss;
      this.recover = highestSent;
      return "fast-retransmit";
    }
    // Each further duplicate means a segment left the network: inflate (3.2, step 4).
    if (this.recover !== undefined && seqLt(ack, this.recover)) this.cwnd += this.mss;
    return "none";
  }
}
