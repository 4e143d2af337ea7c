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

/** A dotted IPv4 address as a 32-bit number, or undefined if it is not one. */
export function parseIpv4Address(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0 : undefined;
}

export function formatIpv4Address(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
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
  const address = parseIpv4Address(addressText), prefixLength = Number(prefixText);
  if (address === undefined || !(prefixLength >= 1 && prefixLength <= 32)) return `toro.ip=${ip} is not ADDRESS/PREFIX`;
  const gatewayText = params.get("toro.gateway")?.[0];
  const gateway = gatewayText === undefined ? undefined : parseIpv4Address(gatewayText);
  if (gatewayText !== undefined && gateway === undefined) return `toro.gateway=${gatewayText} is not an IPv4 address`;
  const dnsServers: number[] = [];
  for (const text of params.get("toro.dns") ?? []) {
    const server = parseIpv4Address(text);
    if (server === undefined) return `toro.dns=${text} is not an IPv4 address`;
    dnsServers.push(server);
  }
  return { address, prefixLength, gateway, dnsServers };
}
