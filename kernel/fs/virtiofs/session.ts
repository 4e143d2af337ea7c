/**
 * A FUSE session over a FuseDevice: INIT, then requests numbered by
 * `unique`, each reply checked against its request (header, ID, length)
 * before anything reads it, FUSE errors turned into FsError, and FORGETs
 * gathered into one BATCH_FORGET per event-loop turn. The server is not
 * trusted: a reply that does not add up is EIO, never a crash.
 */
import type { FuseDevice } from "../../devices/fuse-device.ts";
import { FsError } from "../errors.ts";
import { FuseError } from "./errno.ts";
import { IN_HEADER_SIZE, InHeader, OUT_HEADER_SIZE, OutHeader } from "./headers.ts";
import { FUSE_KERNEL_MINOR_VERSION, FUSE_KERNEL_VERSION, FUSE_MIN_MINOR_VERSION, FUSE_ROOT_ID, InitFlag, Opcode } from "./protocol.ts";
import { InitOut } from "./replies.ts";
import { BatchForgetIn, ForgetOne, InitIn } from "./requests.ts";

const PAGE = 4096;
/** Room in a message for the headers and names around a READ's or WRITE's data. */
const HEADROOM = PAGE;
/** FORGETs per BATCH_FORGET, so one fits the device's small high-priority slots. */
const FORGETS_PER_BATCH = 128;
/** INIT's request ID; 0 is no request's (virtiofsd aborts on a reply to unique 0, which FUSE keeps for notifications). */
const INIT_UNIQUE = 1;

/** Who the requests come from: the owner of the shared directory, so what the service creates is the host user's. */
export interface Caller {
  uid: number;
  gid: number;
}

export class FuseSession {
  /** The most data one READ or WRITE carries. */
  readonly maxTransfer: number;
  /** The protocol minor both sides speak. */
  readonly minor: number;
  caller: Caller = { uid: 0, gid: 0 };
  private nextUnique = INIT_UNIQUE + 1;
  private closedBecause: string | undefined;
  private forgets = new Map<number, number>();
  private forgetScheduled = false;

  private constructor(private readonly device: FuseDevice, init: InitOut) {
    this.minor = Math.min(init.minor, FUSE_KERNEL_MINOR_VERSION);
    let transfer = Math.floor((device.maxMessageBytes - HEADROOM) / PAGE) * PAGE;
    if (init.maxWrite > 0) transfer = Math.min(transfer, init.maxWrite);
    if (init.flags & InitFlag.MAX_PAGES && init.maxPages > 0) transfer = Math.min(transfer, init.maxPages * PAGE);
    this.maxTransfer = transfer;
  }

  /** INIT on `device`: the server must speak FUSE 7.31 or later. */
  static async open(device: FuseDevice): Promise<FuseSession> {
    const body = new Uint8Array(InitIn.SIZE);
    const init = new InitIn(body);
    init.major = FUSE_KERNEL_VERSION;
    init.minor = FUSE_KERNEL_MINOR_VERSION;
    init.maxReadahead = 0;
    init.flags = InitFlag.ASYNC_READ | InitFlag.ATOMIC_O_TRUNC | InitFlag.BIG_WRITES | InitFlag.MAX_PAGES;
    const reply = await exchange(device, INIT_UNIQUE, Opcode.INIT, FUSE_ROOT_ID, { uid: 0, gid: 0 }, [body], InitOut.SIZE, InitOut.COMPAT_SIZE);
    const out = new InitOut(reply);
    if (out.major !== FUSE_KERNEL_VERSION) throw new FsError("EIO", `${device.tag}: the host speaks FUSE ${out.major}, not ${FUSE_KERNEL_VERSION}`);
    if (out.minor < FUSE_MIN_MINOR_VERSION) {
      throw new FsError("EIO", `${device.tag}: the host speaks FUSE 7.${out.minor}; Toro needs 7.${FUSE_MIN_MINOR_VERSION} or later`);
    }
    return new FuseSession(device, reply.length >= InitOut.SIZE ? out : new InitOut(padded(reply, InitOut.SIZE)));
  }

  get tag(): string {
    return this.device.tag;
  }

  /**
   * Send `opcode` about `nodeid` with the body `parts`, and resolve to the
   * reply's body, which holds at least `minimumReply` bytes (of the
   * `replyLength` room given). A FUSE error rejects with its FsError.
   */
  call(opcode: number, nodeid: number, parts: readonly Uint8Array[], replyLength: number, minimumReply = replyLength): Promise<Uint8Array> {
    if (this.closedBecause !== undefined) return Promise.reject(new FsError("EIO", `${this.device.tag}: ${this.closedBecause}`));
    return exchange(this.device, this.nextUnique++, opcode, nodeid, this.caller, parts, replyLength, minimumReply);
  }

  /** The client drops `nlookup` of its references to `nodeid` (each LOOKUP, CREATE or MKDIR reply is one). */
  forget(nodeid: number, nlookup = 1): void {
    if (nodeid === FUSE_ROOT_ID || this.closedBecause !== undefined) return;
    this.forgets.set(nodeid, (this.forgets.get(nodeid) ?? 0) + nlookup);
    if (this.forgetScheduled) return;
    this.forgetScheduled = true;
    queueMicrotask(() => this.sendForgets());
  }

  /** End the session: the FORGETs still gathered, then DESTROY (so the host may take an INIT again); later requests are EIO, saying why. */
  async close(why: string): Promise<void> {
    this.sendForgets();
    const destroyed = this.call(Opcode.DESTROY, FUSE_ROOT_ID, [], 0);
    this.closedBecause = why;
    await destroyed.catch(() => {}); // the host may lack DESTROY; the session is over either way
  }

  private sendForgets(): void {
    this.forgetScheduled = false;
    const entries = [...this.forgets];
    this.forgets.clear();
    for (let start = 0; start < entries.length; start += FORGETS_PER_BATCH) {
      const batch = entries.slice(start, start + FORGETS_PER_BATCH);
      const body = new Uint8Array(BatchForgetIn.SIZE + batch.length * ForgetOne.SIZE);
      new BatchForgetIn(body).count = batch.length;
      const one = new ForgetOne();
      batch.forEach(([nodeid, nlookup], i) => {
        one.wrap(body.subarray(BatchForgetIn.SIZE + i * ForgetOne.SIZE));
        one.nodeid = nodeid;
        one.nlookup = nlookup;
      });
      const header = new Uint8Array(IN_HEADER_SIZE);
      InHeader.emit(header, { length: IN_HEADER_SIZE + body.length, opcode: Opcode.BATCH_FORGET, unique: this.nextUnique++, nodeid: 0, ...this.caller, pid: 1 });
      this.device.post([header, body]);
    }
  }
}

async function exchange(
  device: FuseDevice,
  unique: number,
  opcode: number,
  nodeid: number,
  caller: Caller,
  parts: readonly Uint8Array[],
  replyLength: number,
  minimumReply: number,
): Promise<Uint8Array> {
  let length = IN_HEADER_SIZE;
  for (const part of parts) length += part.length;
  const header = new Uint8Array(IN_HEADER_SIZE);
  InHeader.emit(header, { length, opcode, unique, nodeid, uid: caller.uid, gid: caller.gid, pid: 1 });
  let reply: Uint8Array;
  try {
    reply = await device.request([header, ...parts], OUT_HEADER_SIZE + replyLength);
  } catch (error) {
    throw new FsError("EIO", `${device.tag}: ${(error as Error).message}`);
  }
  const out = new OutHeader(reply);
  const wrong = out.check(reply.length) ?? (out.unique !== unique ? `a FUSE reply for request ${out.unique} came to request ${unique}` : undefined);
  if (wrong) throw new FsError("EIO", `${device.tag}: ${wrong}`);
  if (out.error < 0) {
    throw new FuseError(-out.error);
  }
  const body = out.body;
  if (body.length < minimumReply) throw new FsError("EIO", `${device.tag}: a FUSE reply to opcode ${opcode} has ${body.length} bytes, less than its ${minimumReply}`);
  return body;
}

/** `bytes` at `length` or more, zeros after it: an older server's shorter INIT reply read as the new layout. */
function padded(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}
