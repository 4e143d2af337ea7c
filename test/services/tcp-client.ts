// Connects to the host's server (at the gateway) on argv[0], sends a line, prints the answer.
import { argv } from "toro";
import { connect, network } from "toro/net";

export default async function main() {
  const { gateway } = await network();
  const connection = await connect(gateway!, Number(argv[0]));
  await connection.write("ping from the guest\n");
  await connection.end();
  let answer = "";
  for await (const chunk of connection) answer += String.fromCharCode(...chunk);
  console.log(`the host said: ${answer.trim()}`);
  await connection.closed;
  return 0;
}
