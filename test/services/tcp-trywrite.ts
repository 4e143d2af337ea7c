// Sends argv[1] bytes (byte i is i * 7 mod 256) to the host's server on argv[0]
// with tryWrite() and onWritable() alone, never awaiting a write, then half-closes.
import { argv } from "toro";
import { connect, network } from "toro/net";

export default async function main() {
  const { gateway } = await network();
  const connection = await connect(gateway!, Number(argv[0]));
  const data = new Uint8Array(Number(argv[1]));
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  let sent = 0, wakeups = 0;
  await new Promise<void>((resolve) => {
    const push = () => {
      sent += connection.tryWrite(data.subarray(sent));
      if (sent === data.length) resolve();
    };
    connection.onWritable(() => {
      wakeups++;
      push();
    });
    push();
  });
  await connection.end();
  console.log(`sent ${sent} bytes, woken ${wakeups} times`);
  await connection.closed;
  return 0;
}
