// Brings the network up, then: argv "udp PORT" sends a datagram to the host's
// echo server through the gateway; argv "dns NAME" resolves a name.
import { argv } from "toro";
import { network, openUdp, resolve } from "toro/net";

export default async function main() {
  const info = await network();
  console.log(`${info.interface} ${info.mac}: ${info.address}/${info.prefixLength}, gateway ${info.gateway}, dns ${info.dnsServers.join(" ")}`);
  const [mode, value] = argv;
  if (mode === "udp") {
    const socket = openUdp();
    const reply = new Promise<string>((done) => socket.onMessage(({ data, address, port }) => done(`${address}:${port} said "${String.fromCharCode(...data)}"`)));
    socket.send("hello over UDP", info.gateway!, Number(value));
    console.log(await reply);
    socket.close();
  } else if (mode === "dns") {
    console.log(`${value} is ${(await resolve(value)).join(", ")}`);
  }
  return 0;
}
