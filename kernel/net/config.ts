import { parseIpv4 } from "./wire/address.ts";

/**
 * The interface's IPv4 configuration: static, from the words `toro run
 * --ip/--gateway/--dns` puts on the command line, or else from DHCP.
 */

export interface Ipv4Config {
  address: number;
  prefixLength: number;
  gateway: number | undefined;
  dnsServers: number[];
}

export function netmask(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/**
 * The static configuration in the boot parameters, undefined when there is
 * none (use DHCP), or an error message for words that do not parse.
 */
export function staticConfig(params: Map<string, string[]>): Ipv4Config | undefined | string {
  const ip = params.get("toro.ip")?.[0];
  if (ip === undefined) return undefined;
  const [addressText, prefixText] = ip.split("/");
  const address = parseIpv4(addressText), prefixLength = Number(prefixText);
  if (address === undefined || !(prefixLength >= 1 && prefixLength <= 32)) return `toro.ip=${ip} is not ADDRESS/PREFIX`;
  const gatewayText = params.get("toro.gateway")?.[0];
  const gateway = gatewayText === undefined ? undefined : parseIpv4(gatewayText);
  if (gatewayText !== undefined && gateway === undefined) return `toro.gateway=${gatewayText} is not an IPv4 address`;
  const dnsServers = configuredDnsServers(params);
  if (typeof dnsServers === "string") return dnsServers;
  return { address, prefixLength, gateway, dnsServers };
}

/**
 * The DNS servers of the `toro.dns=` words, or an error message. With
 * `toro.ip` they belong to the static configuration; without it they
 * replace the servers a DHCP lease names (toro run does that on passt,
 * whose DHCP names the host's resolvers, to keep slirp's forwarder 10.0.2.3).
 */
export function configuredDnsServers(params: Map<string, string[]>): number[] | string {
  const dnsServers: number[] = [];
  for (const text of params.get("toro.dns") ?? []) {
    const server = parseIpv4(text);
    if (server === undefined) return `toro.dns=${text} is not an IPv4 address`;
    dnsServers.push(server);
  }
  return dnsServers;
}
