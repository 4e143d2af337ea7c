// Frames captured with tcpdump on a veth pair between 192.168.77.1
// (c6:80:dc:8f:6f:4b) and 192.168.77.2 (82:4f:60:b1:f9:49) in a network
// namespace, checksum offload off so every checksum is the sender's real
// one. What tcpdump -nn -S -v printed for each is beside it.

/** Bytes from a hex string (whitespace ignored). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export const HOST_A_MAC = fromHex("c680dc8f6f4b");
export const HOST_B_MAC = fromHex("824f60b1f949");
/** 192.168.77.1 */
export const HOST_A_IP = 0xc0a84d01;
/** 192.168.77.2 */
export const HOST_B_IP = 0xc0a84d02;

/** ARP, Request who-has 192.168.77.2 tell 192.168.77.1, length 28 */
export const ARP_REQUEST = fromHex("ffffffffffffc680dc8f6f4b08060001080006040001c680dc8f6f4bc0a84d01000000000000c0a84d02");

/** ARP, Reply 192.168.77.2 is-at 82:4f:60:b1:f9:49, length 28 */
export const ARP_REPLY = fromHex("c680dc8f6f4b824f60b1f94908060001080006040002824f60b1f949c0a84d02c680dc8f6f4bc0a84d01");

/**
 * IP (tos 0x0, ttl 64, id 27361, offset 0, flags [DF], proto ICMP (1), length 84)
 * 192.168.77.1 > 192.168.77.2: ICMP echo request, id 1252, seq 1, length 64
 */
export const ICMP_ECHO_REQUEST = fromHex(
  "824f60b1f949c680dc8f6f4b0800450000546ae140004001b473c0a84d01c0a84d020800f64e04e400017173026b00000000c31a070000000000" +
  "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/**
 * IP (tos 0x0, ttl 64, id 23161, offset 0, flags [none], proto ICMP (1), length 84)
 * 192.168.77.2 > 192.168.77.1: ICMP echo reply, id 1252, seq 1, length 64
 */
export const ICMP_ECHO_REPLY = fromHex(
  "c680dc8f6f4b824f60b1f9490800450000545a790000400104dcc0a84d02c0a84d010000fe4e04e400017173026b00000000c31a070000000000" +
  "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
);

/**
 * The second fragment of a 2008-byte ping:
 * IP (tos 0x0, ttl 64, id 27362, offset 1480, flags [none], proto ICMP (1), length 548)
 * Its payload continues ping's pattern: ICMP data byte j is j & 0xff, and this fragment starts at data byte 1472.
 */
export const IP_LAST_FRAGMENT = fromHex(
  "824f60b1f949c680dc8f6f4b0800450002246ae200b94001f1e9c0a84d01c0a84d02" +
  Array.from({ length: 528 }, (_, i) => ((0xc0 + i) & 0xff).toString(16).padStart(2, "0")).join(""),
);

/**
 * IP (tos 0x0, ttl 64, id 47120, offset 0, flags [DF], proto TCP (6), length 60)
 * 192.168.77.1.33704 > 192.168.77.2.8000: Flags [S], cksum 0xa86d (correct), seq 3158432858, win 64240,
 * options [mss 1460,sackOK,TS val 2780735494 ecr 0,nop,wscale 10], length 0
 */
export const TCP_SYN = fromHex(
  "824f60b1f949c680dc8f6f4b08004500003cb810400040066757c0a84d01c0a84d0283a81f40bc41dc5a00000000a002faf0a86d0000" +
  "020405b40402080aa5bea806000000000103030a",
);

/**
 * IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP (6), length 60)
 * 192.168.77.2.8000 > 192.168.77.1.33704: Flags [S.], cksum 0x513e (correct), seq 2146469759, ack 3158432859,
 * win 65160, options [mss 1460,sackOK,TS val 1594486028 ecr 2780735494,nop,wscale 10], length 0
 */
export const TCP_SYN_ACK = fromHex(
  "c680dc8f6f4b824f60b1f94908004500003c0000400040061f68c0a84d02c0a84d011f4083a87ff0877fbc41dc5ba012fe88513e0000" +
  "020405b40402080a5f09ed0ca5bea8060103030a",
);

/**
 * IP (tos 0x0, ttl 64, id 47122, offset 0, flags [DF], proto TCP (6), length 133)
 * 192.168.77.1.33704 > 192.168.77.2.8000: Flags [P.], cksum 0x7a72 (correct), seq 3158432859:3158432940,
 * ack 2146469760, win 63, options [nop,nop,TS val 2780735495 ecr 1594486028], length 81 (an HTTP GET)
 */
export const TCP_HTTP_GET = fromHex(
  "824f60b1f949c680dc8f6f4b080045000085b81240004006670cc0a84d01c0a84d0283a81f40bc41dc5b7ff087808018003f7a720000" +
  "0101080aa5bea8075f09ed0c" +
  "474554202f20485454502f312e310d0a486f73743a203139322e3136382e37372e323a383030300d0a557365722d4167656e743a20" +
  "6375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a",
);

/**
 * IP (tos 0x0, ttl 64, id 14823, offset 0, flags [DF], proto TCP (6), length 72)
 * 192.168.77.1.35164 > 192.168.77.2.8001: Flags [.], cksum 0x4c4a (correct), ack 115389609, win 79,
 * options [nop,nop,TS val 3780082118 ecr 196145223,nop,nop,sack 2 {115447905:115453697}{115391057:115446457}], length 0
 */
export const TCP_SACK = fromHex(
  "824f60b1f949c680dc8f6f4b08004500004839e740004006e574c0a84d01c0a84d02895c1f415262fb1e06e0b4a9d010004f4c4a0000" +
  "0101080ae14f79c60bb0f0470101051206e1986106e1af0106e0ba5106e192b9",
);

/**
 * IP (tos 0x0, ttl 64, id 10829, offset 0, flags [DF], proto UDP (17), length 37)
 * 192.168.77.1.5300 > 192.168.77.2.53: 9 bytes "toro dns?"
 */
export const UDP_DATAGRAM = fromHex(
  "824f60b1f949c680dc8f6f4b0800450000252a4d40004011f526c0a84d01c0a84d0214b4003500111ad8746f726f20646e733f",
);

/**
 * IP (tos 0xc0, ttl 64, id 23166, offset 0, flags [none], proto ICMP (1), length 65)
 * 192.168.77.2 > 192.168.77.1: ICMP 192.168.77.2 udp port 53 unreachable, length 45 (quoting UDP_DATAGRAM whole)
 */
export const ICMP_PORT_UNREACHABLE = fromHex(
  "c680dc8f6f4b824f60b1f949080045c000415a7e00004001042ac0a84d02c0a84d010303187400000000" +
  "450000252a4d40004011f526c0a84d01c0a84d0214b4003500111ad8746f726f20646e733f",
);

/** Every frame above, by name, for the tests that go over all of them. */
export const ALL_FRAMES: Record<string, Uint8Array> = {
  ARP_REQUEST, ARP_REPLY, ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, IP_LAST_FRAGMENT, TCP_SYN, TCP_SYN_ACK, TCP_HTTP_GET, TCP_SACK, UDP_DATAGRAM, ICMP_PORT_UNREACHABLE,
};
