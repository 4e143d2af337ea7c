#!/bin/busybox sh
# /init of the Linux guest bench/http.ts builds: Debian's Node serving
# bench/services/http-handler.ts (bundled with its node:http adapter as
# /http-node.cjs) on port 80 of QEMU's user network, until the bench stops
# the VM.
. /boot.sh
wait_for /sys/class/net/eth0
# QEMU's user network: the address its DHCP server would hand out, and its gateway.
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 || fail "no eth0"
ip link set eth0 up
ip route add default via 10.0.2.2

# Debian's Node reads this file at start and warns when it is missing; the bench makes no TLS connections.
mkdir -p /etc/ssl/certs && : >/etc/ssl/certs/ca-certificates.crt
PORT=80 node /http-node.cjs
fail "node ended with status $?"
