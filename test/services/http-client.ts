// fetch() from the guest to an HTTP server on the host (QEMU's user network
// puts the host at 10.0.2.2). argv: the server's port, a port nobody listens
// on, and a name the DNS server on the host resolves to 10.0.2.2 ("-" for
// none). It prints what it got; the host checks that, and what it received.
// It ends by running out of work, with a connection idle in fetch()'s pool:
// the host checks that connection carried two requests, and did not keep the
// service alive.
import { argv } from "toro";

const [port, closedPort, name] = argv;
const base = `http://10.0.2.2:${port}`;

/** The bytes both sides expect: byte i of a pattern is a function of i. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 11)) & 0xff;
  return bytes;
}

function describe(error: unknown): string {
  const { name, message, cause } = error as Error & { cause?: Error };
  return `${name}: ${message}${cause ? ` (cause: ${cause.message})` : ""}`;
}

export default async function main() {
  const sized = await fetch(`${base}/length`);
  console.log(`length: ${sized.status} ${sized.statusText}, content-length ${sized.headers.get("content-length")}: ${await sized.text()}`);

  const chunked = await fetch(`${base}/chunked`);
  console.log(`chunked: ${chunked.headers.get("transfer-encoding")}: ${await chunked.text()}`);

  // Read as it streams in, never held whole: compare every byte with the pattern.
  const big = await fetch(`${base}/big`);
  const expected = pattern(Number(big.headers.get("content-length")));
  let received = 0;
  let mismatches = 0;
  let chunks = 0;
  for await (const chunk of big.body!) {
    const bytes = chunk as Uint8Array;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== expected[received + i]) mismatches++;
    received += bytes.length;
    chunks++;
  }
  console.log(`big: ${received} bytes, ${mismatches} mismatches, ${chunks > 1 ? "in several chunks" : "in one chunk"}`);

  const upload = await fetch(`${base}/upload`, { method: "POST", body: pattern(300_000), headers: { "content-type": "application/octet-stream" } });
  console.log(`upload: ${upload.status} ${await upload.text()}`);

  async function* parts() {
    for (let i = 0; i < 5; i++) yield `part ${i};`;
  }
  const streamed = await fetch(`${base}/upload-text`, { method: "PUT", body: parts() });
  console.log(`streamed upload: ${await streamed.text()}`);

  const moved = await fetch(`${base}/redirect`, { method: "POST", body: "dropped on a 302" });
  console.log(`redirect: ${moved.redirected} ${moved.url}: ${await moved.text()}`);

  try {
    await fetch(`http://10.0.2.2:${closedPort}/`);
    console.log("refused: it connected");
  } catch (error) {
    console.log(`refused: ${describe(error)}`);
  }

  try {
    await fetch(`${base}/hang`, { signal: AbortSignal.timeout(300) });
    console.log("hang: it answered");
  } catch (error) {
    console.log(`hang: ${describe(error)}`);
  }

  try {
    await fetch("https://10.0.2.2/");
  } catch (error) {
    console.log(`https: ${describe(error)}`);
  }

  if (name !== "-") {
    const named = await fetch(`http://${name}:${port}/length`);
    console.log(`dns: ${named.url}: ${await named.text()}`);
  }

  // The connection above was closed by the abort: these two share a new one, idle in between.
  for (const n of [1, 2]) {
    const kept = await fetch(`${base}/keep/${n}`);
    console.log(`keep ${n}: ${await kept.text()}`);
  }
  // No exit code: the service ends when nothing keeps it alive, which an idle pooled connection does not.
}
