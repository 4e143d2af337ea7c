// UDP and TCP echo on port 7, for the booted malformed-traffic test. A
// datagram "memory" is answered with the guest's memory use as JSON, and
// "exit" makes it print that use and exit with 0.
import { exit, memoryUsage } from "toro";
import { listen, network, openUdp } from "toro/net";

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes.subarray(0, 16));

export default async function main() {
  const { address } = await network();
  const udp = openUdp(7);
  udp.onMessage(({ data, address, port }) => {
    if (text(data) === "exit") {
      console.log(`exiting: ${JSON.stringify(memoryUsage())}`);
      exit(0);
    }
    // Source port 0 means the sender wants no answer (RFC 768); send() refuses port 0.
    if (port !== 0) udp.send(text(data) === "memory" ? JSON.stringify(memoryUsage()) : data, address, port);
  });
  await listen(7, async (connection) => {
    try {
      for await (const chunk of connection) await connection.write(chunk);
      await connection.end();
    } catch (error) {
      // A reset from the peer is the peer's business; say so and serve on.
      console.log(`echo: ${connection.remoteAddress}:${connection.remotePort}: ${(error as Error).message}`);
    }
  });
  console.log(`echo on ${address}:7`);
}
