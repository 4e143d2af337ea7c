/*
 * arp-pingpong: the Linux guest's round-trip measure for bench/devices.ts.
 * It is part of the Linux baseline, not of Toro: the bench compiles it with
 * musl (static, so the initramfs needs no libc) and bench/services/linux-init.sh
 * runs it. It does what bench/services/devices.ts does on Toro, in one
 * process, so Linux's number is its network path and not process start-up:
 * on an interface, send an ARP request for the user network's gateway
 * 10.0.2.2 from 10.0.2.15 through an AF_PACKET raw socket, wait for the
 * reply, again, for the given seconds. No IP address is needed for this.
 *
 *   arp-pingpong IFACE SECONDS
 *
 * prints the JSON fields the bench parses, to go into the init's line:
 *   "roundTrips":N,"roundTripSeconds":S
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const unsigned char GUEST_IP[4] = {10, 0, 2, 15};
static const unsigned char GATEWAY_IP[4] = {10, 0, 2, 2};
/* A lost request or reply is sent again after this long rather than stalling the loop. */
#define REPLY_TIMEOUT_NS 1000000000LL
#define FRAME_BYTES 42

static void die(const char *what) {
	fprintf(stderr, "arp-pingpong: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void) {
	struct timespec t;
	if (clock_gettime(CLOCK_MONOTONIC, &t) != 0) die("clock_gettime");
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A raw socket that sees only ARP frames, bound to the interface; its MAC goes to *mac. */
static int open_socket(const char *iface, unsigned char mac[6]) {
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ARP));
	if (fd < 0) die("socket(AF_PACKET)");
	struct ifreq ifr = {0};
	if (strlen(iface) >= sizeof ifr.ifr_name) {
		errno = ENAMETOOLONG;
		die(iface);
	}
	strcpy(ifr.ifr_name, iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) die("SIOCGIFHWADDR");
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	struct sockaddr_ll addr = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = (int)if_nametoindex(iface)};
	if (addr.sll_ifindex == 0) die(iface);
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
	return fd;
}

/* The same frame as bench/services/devices.ts's arpRequest: broadcast, who has 10.0.2.2, tell 10.0.2.15. */
static void arp_request(unsigned char frame[FRAME_BYTES], const unsigned char mac[6]) {
	static const unsigned char arp_header[8] = {0, 1, 0x08, 0x00, 6, 4, 0, 1}; /* Ethernet/IPv4, request */
	memset(frame, 0, FRAME_BYTES);
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = 0x08, frame[13] = 0x06;
	memcpy(frame + 14, arp_header, sizeof arp_header);
	memcpy(frame + 22, mac, 6);
	memcpy(frame + 28, GUEST_IP, 4);
	memcpy(frame + 38, GATEWAY_IP, 4);
}

/* An ARP reply from 10.0.2.2 to 10.0.2.15: the socket also sees other ARP traffic, our own requests among it. */
static int is_gateway_reply(const unsigned char *frame, ssize_t length) {
	return length >= FRAME_BYTES && frame[12] == 0x08 && frame[13] == 0x06 && frame[20] == 0 && frame[21] == 2 &&
	       memcmp(frame + 28, GATEWAY_IP, 4) == 0 && memcmp(frame + 38, GUEST_IP, 4) == 0;
}

/* 1 when the gateway's reply arrives before `deadline`, 0 when it does not; other frames are read and skipped. */
static int await_reply(int fd, long long deadline) {
	unsigned char frame[1514];
	for (;;) {
		long long left = deadline - now_ns();
		if (left <= 0) return 0;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ready = poll(&p, 1, (int)((left + 999999) / 1000000));
		if (ready < 0 && errno != EINTR) die("poll");
		if (ready <= 0) continue;
		ssize_t length = recv(fd, frame, sizeof frame, 0);
		if (length < 0) die("recv");
		if (is_gateway_reply(frame, length)) return 1;
	}
}

int main(int argc, char **argv) {
	if (argc != 3 || atoi(argv[2]) < 1) {
		fprintf(stderr, "usage: arp-pingpong IFACE SECONDS\n");
		return 2;
	}
	unsigned char mac[6], request[FRAME_BYTES];
	int fd = open_socket(argv[1], mac);
	arp_request(request, mac);
	long long count = 0, start = now_ns(), end = start + atoi(argv[2]) * 1000000000LL, now = start;
	/* As on Toro: the clock is read after each round trip, and the last one to start before the end is counted. */
	while (now < end) {
		if (send(fd, request, sizeof request, 0) != sizeof request) die("send");
		count += await_reply(fd, now_ns() + REPLY_TIMEOUT_NS);
		now = now_ns();
	}
	long long elapsed = now - start;
	printf("\"roundTrips\":%lld,\"roundTripSeconds\":%lld.%09lld\n", count, elapsed / 1000000000LL, elapsed % 1000000000LL);
	return 0;
}
