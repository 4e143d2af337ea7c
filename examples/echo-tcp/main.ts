// A TCP echo server: `./toro run examples/echo-tcp -p 7007:7`, then
// `nc 127.0.0.1 7007` on the host and type.
import { listen, network } from "toro/net";

export default async function main() {
  const { address } = await network();
  await listen(7, async (connection) => {
    const peer = `${connection.remoteAddress}:${connection.remotePort}`;
    console.log(`${peer} connected`);
    for await (const chunk of connection) await connection.write(chunk);
    await connection.end();
    console.log(`${peer} done`);
  });
  console.log(`echo server on ${address}:7`);
}
