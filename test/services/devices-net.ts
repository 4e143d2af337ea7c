// Speaks to QEMU's user network in raw Ethernet frames: an ARP request for
// the gateway and a DHCP discover, and prints what comes back.
import { exit } from "toro";
import { networkInterfaces } from "toro/devices";
import { ARP_PACKET_LENGTH, ArpOperation, ArpPacket, ETHERNET_HEADER_LENGTH, EthernetFrame, EtherType } from "../../kernel/net/wire/index.ts";

const GATEWAY_IP = [10, 0, 2, 2];
const BROADCAST_MAC = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const XID = 0x70726f74;

const macText = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
const ipText = (b: ArrayLike<number>) => Array.from(b).join(".");

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Built with the network unit's wire layer; the replies below are read byte by byte, as a second opinion. */
function arpRequest(mac: Uint8Array): Uint8Array {
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + ARP_PACKET_LENGTH);
  EthernetFrame.emit(frame, Uint8Array.from(BROADCAST_MAC), mac, EtherType.Arp);
  ArpPacket.emit(frame.subarray(ETHERNET_HEADER_LENGTH), ArpOperation.Request, mac, 0x0a00020f, new Uint8Array(6), 0x0a000202);
  return frame;
}

function dhcpDiscover(mac: Uint8Array): Uint8Array {
  const options = [53, 1, 1, 55, 3, 1, 3, 6, 255]; // DISCOVER; ask for netmask, router, DNS
  const bootp = new Uint8Array(240 + options.length);
  bootp.set([1, 1, 6, 0], 0); // BOOTREQUEST, Ethernet
  new DataView(bootp.buffer).setUint32(4, XID);
  bootp[10] = 0x80; // broadcast flag
  bootp.set(mac, 28);
  bootp.set([99, 130, 83, 99], 236); // magic cookie
  bootp.set(options, 240);
  const udpLength = 8 + bootp.length, ipLength = 20 + udpLength;
  const f = new Uint8Array(14 + ipLength);
  f.set(BROADCAST_MAC, 0);
  f.set(mac, 6);
  f.set([0x08, 0x00], 12);
  const ip = f.subarray(14, 34);
  ip.set([0x45, 0, ipLength >> 8, ipLength & 0xff, 0, 0, 0, 0, 64, 17, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
  const sum = checksum(ip);
  ip[10] = sum >> 8;
  ip[11] = sum & 0xff;
  f.set([0, 68, 0, 67, udpLength >> 8, udpLength & 0xff, 0, 0], 34); // UDP checksum 0: none
  f.set(bootp, 42);
  return f;
}

const seen = { arp: false, dhcp: false };

function onFrame(frame: Uint8Array) {
  const type = (frame[12] << 8) | frame[13];
  if (type === 0x0806 && frame[21] === 2 && ipText(frame.subarray(28, 32)) === ipText(GATEWAY_IP)) {
    console.log(`arp reply: ${ipText(frame.subarray(28, 32))} is at ${macText(frame.subarray(22, 28))}`);
    seen.arp = true;
  }
  if (type === 0x0800 && frame[23] === 17) {
    const ihl = (frame[14] & 0x0f) * 4;
    const udp = 14 + ihl;
    const srcPort = (frame[udp] << 8) | frame[udp + 1], dstPort = (frame[udp + 2] << 8) | frame[udp + 3];
    const bootp = frame.subarray(udp + 8);
    if (srcPort === 67 && dstPort === 68 && bootp[0] === 2 && new DataView(bootp.buffer, bootp.byteOffset).getUint32(4) === XID) {
      let messageType = 0, router = "";
      for (let i = 240; i < bootp.length && bootp[i] !== 255; i += 2 + bootp[i + 1]) {
        if (bootp[i] === 0) { i -= 1; continue; }
        if (bootp[i] === 53) messageType = bootp[i + 2];
        if (bootp[i] === 3) router = ipText(bootp.subarray(i + 2, i + 6));
      }
      console.log(`dhcp ${messageType === 2 ? "offer" : `message ${messageType}`}: ${ipText(bootp.subarray(16, 20))} from ${ipText(frame.subarray(26, 30))}, router ${router}`);
      seen.dhcp = true;
    }
  }
  if (seen.arp && seen.dhcp) exit(0);
}

const [net] = networkInterfaces();
if (!net) throw new Error("no network interface");
console.log(`${net.name}: mac ${macText(net.mac)}, mtu ${net.mtu}, link ${net.linkUp ? "up" : "down"}`);
net.onReceive((frames) => frames.forEach(onFrame));
net.send(arpRequest(net.mac));
net.send(dhcpDiscover(net.mac));
setTimeout(() => {
  console.log(`gave up: arp ${seen.arp}, dhcp ${seen.dhcp}`);
  exit(1);
}, 10_000);
