/** Running serveHttp against a MemoryStream: whole exchanges in, the server's bytes out. */
import { serveHttp, type FetchHandler, type ConnectionOptions } from "../../../lib/http/serve.ts";
import { MemoryStream } from "./memory-stream.ts";

/** Drop Date lines: the only part of an answer that changes from run to run. */
export function withoutDate(output: string): string {
  return output.replace(/^date: [^\r]*\r\n/gim, "");
}

/**
 * Feed `chunks` to a server, then EOF; resolve to everything it wrote
 * (Date lines removed) once it is done with the connection.
 */
export async function exchange(chunks: (string | Uint8Array)[], handler: FetchHandler, options: ConnectionOptions = {}): Promise<string> {
  const stream = new MemoryStream();
  const served = serveHttp(stream, handler, { lingerMs: 50, ...options });
  for (const chunk of chunks) stream.send(chunk);
  stream.finish();
  await served;
  return withoutDate(stream.output);
}

/** Start serving a stream the test drives step by step. */
export function open(handler: FetchHandler, options: ConnectionOptions = {}): { stream: MemoryStream; served: Promise<void> } {
  const stream = new MemoryStream();
  return { stream, served: serveHttp(stream, handler, { lingerMs: 50, ...options }) };
}

/** Split an output into its responses' status lines. */
export function statusLines(output: string): string[] {
  return output.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
}

/** Whether `output` holds a whole request: its head, and the body the head announces. */
export function requestComplete(output: string): boolean {
  const end = output.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = output.slice(0, end).toLowerCase();
  if (/transfer-encoding: chunked/.test(head)) return output.endsWith("0\r\n\r\n");
  const length = Number(/content-length: (\d+)/.exec(head)?.[1] ?? 0);
  return output.length - end - 4 >= length;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error & { cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("it did not fail");
}
