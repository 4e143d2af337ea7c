/**
 * Malformed and adversarial HTTP/1.1 requests for fuzzing the server, from a
 * seeded generator: the same seed gives the same cases, in Node (against
 * serveHttp over in-memory connections) and against a booted service. Each
 * case says what the client sends and, where the input is built to be
 * valid or wrong in a known way, the statuses the server must answer with
 * (RFC 9112's rules); randomly mutated input is checked for the invariants
 * alone (see checkAnswers).
 */

/** The limits the fuzzed server runs with: small, so reaching each is cheap. */
export const FUZZ_LIMITS = { maxRequestLineBytes: 512, maxHeaderBytes: 2048, maxHeaderCount: 24, maxBodyBytes: 2048 };

/** Every status the server may answer a fuzz case with; anything else (a 500 above all) is a bug. */
export const ALLOWED_STATUSES = new Set([200, 400, 408, 413, 414, 417, 431, 501, 505]);

/** One case: bytes for one connection and what must come back. */
export interface FuzzCase {
  /** What the case exercises, for failure messages. */
  kind: string;
  /** What the client sends, as Latin-1 text (one character a byte). */
  input: string;
  /**
   * The statuses of the answers, in order, or, when only their start is
   * known (mutated input), `prefix` is set and more may follow.
   */
  statuses: number[];
  prefix?: boolean;
  /** The bodies the handler must echo for the 200s, in order (when statuses is exact). */
  bodies?: string[];
  /** The client keeps its side open after sending: the server must end it by a timeout. */
  hold?: boolean;
  /** Every request is valid and none ends the connection: more requests may follow on it. */
  keepsOpen?: boolean;
}

/** A small fast seeded generator (mulberry32): uniform floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, n: number) => Math.floor(random() * n);
const pick = <T>(random: Random, items: readonly T[] | string): T => items[int(random, items.length)] as T;

const TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
const PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/%";
const BODY_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "X-Custom"];

function token(random: Random, max = 12): string {
  let text = "";
  for (let n = 1 + int(random, max); n > 0; n--) text += pick(random, TOKEN_CHARS);
  return text;
}

function path(random: Random): string {
  let text = "/";
  for (let n = int(random, 30); n > 0; n--) text += pick(random, PATH_CHARS);
  return random() < 0.2 ? `${text}?${token(random)}=${token(random)}` : text;
}

function bodyText(random: Random, max: number): string {
  let text = "";
  // Any byte at all: the body is data, never parsed.
  for (let n = int(random, max + 1); n > 0; n--) text += String.fromCharCode(int(random, 256));
  return text;
}

/** A valid request and the body the echo handler answers it with. */
interface Valid {
  text: string;
  echo: string;
  /** It ends the connection after its answer (HTTP/1.0 or Connection: close). */
  closes: boolean;
}

interface ValidShape {
  keepAlive?: boolean;
  /** Header lines to add, before the blank line. */
  extra?: string[];
}

/** A well-formed request with random method, target, fields, framing and line endings. */
function validRequest(random: Random, shape: ValidShape = {}): Valid {
  const eol = random() < 0.1 ? "\n" : "\r\n"; // RFC 9112 2.2: a bare LF ends a line too.
  const http10 = shape.keepAlive !== true && random() < 0.1;
  const hasBody = random() < 0.6;
  const method = hasBody ? pick(random, BODY_METHODS) : "GET";
  const target = random() < 0.1 ? `http://example.com${path(random)}` : path(random);
  const lines = [`${method} ${target} HTTP/1.${http10 ? 0 : 1}`];
  if (!http10 || random() < 0.5) lines.push(`${pick(random, ["Host", "host", "HOST"])}:${pick(random, ["", " ", "\t", "  "])}example.com${pick(random, ["", ":8080"])}${pick(random, ["", " ", "\t"])}`);
  for (let n = int(random, 6); n > 0; n--) {
    // Values may hold obs-text, inner spaces and tabs, and anything visible.
    let value = "";
    for (let m = int(random, 20); m > 0; m--) value += String.fromCharCode(pick(random, [0x20, 0x09, 0x41 + int(random, 26), 0x21 + int(random, 94), 0x80 + int(random, 128)]));
    lines.push(`X-${token(random)}: ${value.trim()}`);
  }
  let body = "";
  let encoded = "";
  if (hasBody) {
    body = bodyText(random, 300);
    if (!http10 && random() < 0.4) {
      lines.push(pick(random, ["Transfer-Encoding: chunked", "transfer-encoding: Chunked", "Transfer-Encoding:  chunked "]));
      encoded = chunked(random, body, eol);
    } else {
      const length = String(body.length);
      lines.push(random() < 0.1 ? `Content-Length: ${length}, ${length}` : `Content-Length: ${length}`);
      if (random() < 0.05) lines.push(`Content-Length: ${length}`);
      encoded = body;
    }
  } else if (random() < 0.2) {
    lines.push("Content-Length: 0");
  }
  if (!http10 && random() < 0.1) lines.push(`Expect: ${pick(random, ["100-continue", "100-Continue"])}`);
  const closes = http10 ? !(shape.keepAlive ?? false) : shape.keepAlive === false;
  if (http10 && !closes) lines.push("Connection: keep-alive");
  if (!http10 && closes) lines.push("Connection: close");
  lines.push(...(shape.extra ?? []));
  // RFC 9112 2.2: empty lines before a request are ignored.
  const before = random() < 0.05 ? "\r\n" : "";
  return { text: before + lines.join(eol) + eol + eol + encoded, echo: body, closes };
}

/** `body` as chunks of random sizes, some with extensions, perhaps with trailers. */
function chunked(random: Random, body: string, eol: string): string {
  let out = "";
  for (let at = 0; at < body.length;) {
    const size = Math.min(body.length - at, 1 + int(random, 120));
    const hex = size.toString(16);
    const sized = random() < 0.2 ? hex.toUpperCase().padStart(hex.length + int(random, 3), "0") : hex;
    const extension = random() < 0.15 ? `;${token(random)}=${token(random)}` : "";
    out += `${sized}${extension}${eol}${body.slice(at, at + size)}${eol}`;
    at += size;
  }
  const trailers = random() < 0.15 ? `X-Trailer: ${token(random)}${eol}` : "";
  return `${out}0${eol}${trailers}${eol}`;
}

/** A request that breaks one rule, and the status RFC 9112 (or a limit) says it gets. */
interface Broken {
  kind: string;
  text: string;
  status: number;
}

const HEAD = "Host: x\r\n";
const post = (fields: string, rest = "") => `POST / HTTP/1.1\r\n${HEAD}${fields}\r\n${rest}`;
const chunkedPost = (chunks: string) => post("Transfer-Encoding: chunked\r\n", chunks);

const BROKEN: ((random: Random) => Broken)[] = [
  (random) => ({ kind: "bad method", status: 400, text: `${pick(random, ["G@T", "GE T", "", "(GET)", "GET;", "G\x00T", "G\x7fT", "\xe9GET", "GET\t"])} / HTTP/1.1\r\n${HEAD}\r\n` }),
  (random) => ({ kind: "bad version", status: 400, text: `GET / ${pick(random, ["HTTP/1.1 ", "HTTP/1", "HTTP/1.10", "http/1.1", "HTTP/1.1x", "HTTP 1.1", "HTTP/a.b", "HTTP/11", "", "HTTP/1.1\x00", "HTTP/\xb9.1"])}\r\n${HEAD}\r\n` }),
  (random) => ({ kind: "unsupported version", status: 505, text: `GET / ${pick(random, ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"])}\r\n${HEAD}\r\n` }),
  (random) => ({ kind: "bad target", status: 400, text: `GET ${pick(random, ["nothing", "*", "http://[bad/", "ftp://x/", "http://", "/a b"])} HTTP/1.1\r\n${HEAD}\r\n` }),
  (random) => ({ kind: "obs-fold", status: 400, text: `GET / HTTP/1.1\r\n${HEAD}X-A: b\r\n${pick(random, [" ", "\t", "  "])}folded\r\n\r\n` }),
  (random) => ({ kind: "whitespace before the first field", status: 400, text: `GET / HTTP/1.1\r\n${pick(random, [" ", "\t"])}Host: x\r\n\r\n` }),
  (random) => ({ kind: "bare CR", status: 400, text: pick(random, [`GET / HTTP/1.1\r\n${HEAD}X: a\rb\r\n\r\n`, `GET /\r HTTP/1.1\r\n${HEAD}\r\n`, `GET / HTTP/1.1\r\nHost: x\r\r\n\r\n`, `GET / HTTP/1.1\r\n${HEAD}\r\r\n`]) }),
  (random) => ({ kind: "bad field line", status: 400, text: `GET / HTTP/1.1\r\n${HEAD}${pick(random, ["X : y", "X\t: y", "NoColon", ": y", "X\x00: y", "X(: y", "X: a\x00b", "X: \x01", "X: \x7f"])}\r\n\r\n` }),
  (random) => ({ kind: "no Host", status: 400, text: `GET / HTTP/1.1\r\n${pick(random, ["", "X: y\r\n"])}\r\n` }),
  () => ({ kind: "two Hosts", status: 400, text: `GET / HTTP/1.1\r\n${HEAD}Host: y\r\n\r\n` }),
  (random) => {
    const [a, b] = [1 + int(random, 50), 51 + int(random, 50)];
    return { kind: "conflicting Content-Length", status: 400, text: post(pick(random, [`Content-Length: ${a}\r\nContent-Length: ${b}\r\n`, `Content-Length: ${a}, ${b}\r\n`, `Content-Length: ${a},${b},${a}\r\n`]), "x".repeat(b)) };
  },
  (random) => ({ kind: "bad Content-Length", status: 400, text: post(`Content-Length: ${pick(random, ["+3", "-1", "3a", "0x3", "", "3 3", "3.0", "1e3", ","])}\r\n`, "abc") }),
  (random) => ({ kind: "Transfer-Encoding with Content-Length", status: 400, text: post(pick(random, ["Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n"]), "5\r\nabcde\r\n0\r\n\r\n") }),
  (random) => ({ kind: "Transfer-Encoding in HTTP/1.0", status: 400, text: `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n${pick(random, ["0\r\n\r\n", "5\r\nabcde\r\n0\r\n\r\n"])}` }),
  (random) => ({ kind: "unknown transfer coding", status: 501, text: post(`Transfer-Encoding: ${pick(random, ["gzip", "chunked, chunked", "gzip, chunked", "identity", "chunked;q=1", "xchunked", "chunked, gzip"])}\r\n`, "0\r\n\r\n") }),
  (random) => ({ kind: "bad chunk size", status: 400, text: chunkedPost(`${pick(random, ["fffffffffffffffff", "1".repeat(17 + int(random, 100)), "0x5", "-1", " 5", "5 x", "z", "", "+5", "5\x00"])}\r\nabcde\r\n0\r\n\r\n`) }),
  (random) => ({ kind: "chunk size past the limit", status: 413, text: chunkedPost(`${pick(random, ["ffffffffffffffff", "FFFFFFFF", (FUZZ_LIMITS.maxBodyBytes + 1).toString(16)])}\r\nabc`) }),
  (random) => ({ kind: "huge chunk extension", status: 400, text: chunkedPost(`5;${"a".repeat(1100 + int(random, 3000))}\r\nabcde\r\n0\r\n\r\n`) }),
  (random) => ({ kind: "chunk data without CRLF", status: 400, text: chunkedPost(`3\r\nabc${pick(random, ["X", "de", "\rX", "\n\n"])}0\r\n\r\n`) }),
  (random) => ({ kind: "body past the limit", status: 413, text: pick(random, [post(`Content-Length: ${FUZZ_LIMITS.maxBodyBytes + 1 + int(random, 1e9)}\r\n`, "abc"), post("Content-Length: 99999999999999999999999\r\n"), chunkedPost(`${"400\r\n" + "a".repeat(1024) + "\r\n"}`.repeat(3))]) }),
  (random) => ({ kind: "request line past the limit", status: 414, text: `GET /${"a".repeat(FUZZ_LIMITS.maxRequestLineBytes + int(random, 2000))} HTTP/1.1\r\n${HEAD}\r\n` }),
  (random) => ({ kind: "too many fields", status: 431, text: `GET / HTTP/1.1\r\n${HEAD}${"A: b\r\n".repeat(FUZZ_LIMITS.maxHeaderCount + int(random, 50))}\r\n` }),
  (random) => ({ kind: "fields past the byte limit", status: 431, text: `GET / HTTP/1.1\r\n${HEAD}X: ${"v".repeat(FUZZ_LIMITS.maxHeaderBytes + int(random, 3000))}\r\n\r\n` }),
  (random) => ({ kind: "trailers past the byte limit", status: 431, text: chunkedPost(`0\r\nT: ${"v".repeat(FUZZ_LIMITS.maxHeaderBytes + int(random, 1000))}\r\n\r\n`) }),
  (random) => ({ kind: "unknown expectation", status: 417, text: post(`Expect: ${pick(random, ["200-ok", "100-continue, x", "nothing"])}\r\nContent-Length: 1\r\n`, "x") }),
];

/** Random single-byte edits: flips, inserts of delimiters, deletions, duplications. */
function mutate(random: Random, text: string): string {
  const DELIMITERS = ["\r", "\n", "\r\n", "\x00", " ", "\t", ":", ",", ";", "\x7f", "\xff", "0", "f", "-", "\r\n\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 7\r\n"];
  let out = text;
  for (let n = 1 + int(random, 4); n > 0; n--) {
    const at = int(random, out.length + 1);
    switch (int(random, 5)) {
      case 0: out = out.slice(0, at) + String.fromCharCode(int(random, 256)) + out.slice(at + 1); break;
      case 1: out = out.slice(0, at) + pick(random, DELIMITERS) + out.slice(at); break;
      case 2: out = out.slice(0, at) + out.slice(at + 1 + int(random, 4)); break;
      case 3: out = out.slice(0, at) + out.slice(at, at + 1 + int(random, 40)).repeat(2) + out.slice(at + 1 + int(random, 40)); break;
      default: out = out.slice(0, at) + String.fromCharCode(out.charCodeAt(at) ^ (1 << int(random, 8))) + out.slice(at + 1);
    }
  }
  return out;
}

/** 0 to `max` valid keep-alive requests to send before something else. */
function keepAlivePrefix(random: Random, max: number): Valid[] {
  const requests: Valid[] = [];
  for (let n = int(random, max + 1); n > 0; n--) requests.push(validRequest(random, { keepAlive: true }));
  return requests;
}

const joined = (requests: Valid[]) => requests.map((request) => request.text).join("");

/** Options for fuzzCase: which kinds it may make. */
export interface CaseOptions {
  /** Cases that end by a server timeout (the client holds its side open): only where timeouts are short. */
  timeouts?: boolean;
}

/** One random case. */
export function fuzzCase(random: Random, options: CaseOptions = {}): FuzzCase {
  const roll = random();
  if (roll < 0.2) {
    // Pipelined valid requests; the last may close.
    const requests = [...keepAlivePrefix(random, 3), validRequest(random)];
    return { kind: "valid, pipelined", input: joined(requests), statuses: requests.map(() => 200), bodies: requests.map((r) => r.echo), keepsOpen: !requests.at(-1)!.closes };
  }
  if (roll < 0.55) {
    const before = keepAlivePrefix(random, 2);
    const broken = pick(random, BROKEN)(random);
    return { kind: broken.kind, input: joined(before) + broken.text, statuses: [...before.map(() => 200), broken.status], bodies: before.map((r) => r.echo) };
  }
  if (roll < 0.65) {
    // The client goes away in the middle of a request: no answer to it, nothing thrown.
    const before = keepAlivePrefix(random, 2);
    const last = validRequest(random, { keepAlive: true }).text;
    const cut = last.slice(0, int(random, last.length));
    return { kind: "mid-request disconnect", input: joined(before) + cut, statuses: before.map(() => 200), bodies: before.map((r) => r.echo) };
  }
  if (roll < 0.75) {
    // Pipelining mixed with garbage: the valid requests before it are answered, then anything but a crash.
    const before = keepAlivePrefix(random, 3);
    const garbage = pick(random, [() => bodyText(random, 200), () => mutate(random, pick(random, BROKEN)(random).text), () => "\r\n".repeat(1 + int(random, 5)) + bodyText(random, 50)])();
    return { kind: "pipelined garbage", input: joined(before) + garbage, statuses: before.map(() => 200), prefix: true };
  }
  if (options.timeouts && roll < 0.78) {
    const before = keepAlivePrefix(random, 1);
    const stalled = pick(random, ["GET / HTTP/1.1\r\nHost: x\r\nX-Slow:", "GET / HTT", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"]);
    const idle = random() < 0.3;
    return { kind: idle ? "idle keep-alive" : "stalled request", input: joined(before) + (idle ? "" : stalled), statuses: [...before.map(() => 200), ...(idle ? [] : [408])], bodies: before.map((r) => r.echo), hold: true };
  }
  // Random edits of a valid or broken request: only the invariants are checked.
  const base = random() < 0.6 ? validRequest(random).text : pick(random, BROKEN)(random).text;
  return { kind: "mutated", input: mutate(random, base), statuses: [], prefix: true };
}

/** One answer parsed off the wire. */
export interface Answer {
  status: number;
  body: string;
}

/**
 * Parse what the server wrote as a sequence of whole responses, each framed
 * by Content-Length (the echo handler's answers and the server's error
 * answers both are). Throws on anything else.
 */
export function parseAnswers(output: string): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  while (at < output.length) {
    const end = output.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`an answer's head never ends: ${JSON.stringify(output.slice(at, at + 200))}`);
    const [statusLine, ...fields] = output.slice(at, end).split("\r\n");
    const match = /^HTTP\/1\.1 (\d{3}) [A-Za-z -]+$/.exec(statusLine);
    if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const status = Number(match[1]);
    if (status === 100) {
      at = end + 4;
      continue;
    }
    const length = fields.map((field) => /^content-length: (\d+)$/i.exec(field)?.[1]).find((value) => value !== undefined);
    if (length === undefined) throw new Error(`an answer without Content-Length: ${JSON.stringify(output.slice(at, end))}`);
    const body = output.slice(end + 4, end + 4 + Number(length));
    if (body.length !== Number(length)) throw new Error("an answer's body is cut short");
    answers.push({ status, body });
    at = end + 4 + Number(length);
  }
  return answers;
}

/**
 * Check a connection's answers against its case: whole answers only, every
 * status allowed, nothing after an error answer, and the statuses (and the
 * echoed bodies) the case expects. Returns what is wrong, or undefined.
 */
export function checkAnswers(fuzz: FuzzCase, output: string): string | undefined {
  let answers: Answer[];
  try {
    answers = parseAnswers(output);
  } catch (error) {
    return (error as Error).message;
  }
  const statuses = answers.map((answer) => answer.status);
  const bad = statuses.find((status) => !ALLOWED_STATUSES.has(status));
  if (bad !== undefined) return `status ${bad} is not one a client's request may get`;
  const error = statuses.findIndex((status) => status !== 200);
  if (error >= 0 && error !== statuses.length - 1) return `answers after an error answer: ${statuses.join(" ")}`;
  const got = fuzz.prefix ? statuses.slice(0, fuzz.statuses.length) : statuses;
  if (got.join(" ") !== fuzz.statuses.join(" ")) return `statuses ${statuses.join(" ") || "(none)"}, expected ${fuzz.statuses.join(" ") || "(none)"}${fuzz.prefix ? " first" : ""}`;
  for (const [index, expected] of (fuzz.bodies ?? []).entries()) {
    if (answers[index].body !== expected) return `answer ${index + 1} echoed ${JSON.stringify(answers[index].body.slice(0, 80))}, expected ${JSON.stringify(expected.slice(0, 80))}`;
  }
  return undefined;
}

/** Latin-1 text as bytes, one a character. */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The generator for case `index` of a run with `seed`: each case has its own, so cases can run in any order. */
export function caseRandom(seed: number, index: number): () => number {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index, 0xc2b2ae35));
}
