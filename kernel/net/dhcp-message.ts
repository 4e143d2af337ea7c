/**
 * DHCP messages (RFC 2131 over the BOOTP layout, options from RFC 2132):
 * building the client's messages and reading a server's, defensively, since
 * they come from the network.
 */

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

export const DISCOVER = 1;
export const OFFER = 2;
export const REQUEST = 3;
export const DECLINE = 4;
export const ACK = 5;
export const NAK = 6;
export const RELEASE = 7;

const OPTION_PAD = 0;
const OPTION_SUBNET_MASK = 1;
const OPTION_ROUTER = 3;
const OPTION_DNS = 6;
const OPTION_REQUESTED_IP = 50;
const OPTION_LEASE_TIME = 51;
const OPTION_MESSAGE_TYPE = 53;
const OPTION_SERVER_ID = 54;
const OPTION_PARAMETERS = 55;
const OPTION_RENEWAL_TIME = 58;
const OPTION_REBINDING_TIME = 59;
const OPTION_END = 255;

const BOOTREQUEST = 1;
const BOOTREPLY = 2;
const HTYPE_ETHERNET = 1;
const FIXED_PART = 236;
const MAGIC_COOKIE = 0x63825363;
const FLAG_BROADCAST = 0x8000;

export interface ClientMessage {
  type: number;
  xid: number;
  mac: Uint8Array;
  /** Our address when renewing (ciaddr); 0 otherwise. */
  clientIp?: number;
  requestedIp?: number;
  serverId?: number;
}

/** A message for the server, ready to go in a UDP datagram. */
export function buildClientMessage(m: ClientMessage): Uint8Array {
  const options: number[] = [OPTION_MESSAGE_TYPE, 1, m.type];
  const address = (code: number, ip: number) => options.push(code, 4, ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff);
  if (m.requestedIp) address(OPTION_REQUESTED_IP, m.requestedIp);
  if (m.serverId) address(OPTION_SERVER_ID, m.serverId);
  options.push(OPTION_PARAMETERS, 5, OPTION_SUBNET_MASK, OPTION_ROUTER, OPTION_DNS, OPTION_LEASE_TIME, OPTION_RENEWAL_TIME, OPTION_END);
  const bytes = new Uint8Array(FIXED_PART + 4 + options.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = BOOTREQUEST;
  bytes[1] = HTYPE_ETHERNET;
  bytes[2] = 6;
  view.setUint32(4, m.xid);
  // Until we have an address we cannot receive unicast: ask for broadcast replies.
  view.setUint16(10, m.clientIp ? 0 : FLAG_BROADCAST);
  view.setUint32(12, m.clientIp ?? 0);
  bytes.set(m.mac, 28);
  view.setUint32(FIXED_PART, MAGIC_COOKIE);
  bytes.set(options, FIXED_PART + 4);
  return bytes;
}

export interface ServerMessage {
  type: number;
  xid: number;
  yourIp: number;
  serverId: number | undefined;
  subnetMask: number | undefined;
  routers: number[];
  dnsServers: number[];
  leaseSeconds: number | undefined;
  renewalSeconds: number | undefined;
  rebindingSeconds: number | undefined;
}

/** Read a server's reply, or say why it is not one we can use. */
export function parseServerMessage(bytes: Uint8Array): ServerMessage | string {
  if (bytes.length < FIXED_PART + 4) return "shorter than a DHCP message";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== BOOTREPLY) return "not a reply";
  if (view.getUint32(FIXED_PART) !== MAGIC_COOKIE) return "no DHCP magic cookie";
  const message: ServerMessage = {
    type: 0, xid: view.getUint32(4), yourIp: view.getUint32(16), serverId: undefined, subnetMask: undefined,
    routers: [], dnsServers: [], leaseSeconds: undefined, renewalSeconds: undefined, rebindingSeconds: undefined,
  };
  for (let at = FIXED_PART + 4; at < bytes.length;) {
    const code = bytes[at];
    if (code === OPTION_END) break;
    if (code === OPTION_PAD) { at++; continue; }
    if (at + 1 >= bytes.length) return "an option runs past the end";
    const length = bytes[at + 1];
    const value = at + 2;
    if (value + length > bytes.length) return `option ${code} runs past the end`;
    const u32 = () => (length >= 4 ? view.getUint32(value) : undefined);
    const list = () => Array.from({ length: Math.floor(length / 4) }, (_, i) => view.getUint32(value + 4 * i));
    switch (code) {
      case OPTION_MESSAGE_TYPE: if (length >= 1) message.type = bytes[value]; break;
      case OPTION_SERVER_ID: message.serverId = u32(); break;
      case OPTION_SUBNET_MASK: message.subnetMask = u32(); break;
      case OPTION_ROUTER: message.routers = list(); break;
      case OPTION_DNS: message.dnsServers = list(); break;
      case OPTION_LEASE_TIME: message.leaseSeconds = u32(); break;
      case OPTION_RENEWAL_TIME: message.renewalSeconds = u32(); break;
      case OPTION_REBINDING_TIME: message.rebindingSeconds = u32(); break;
    }
    at = value + length;
  }
  if (message.type === 0) return "no message type";
  return message;
}
