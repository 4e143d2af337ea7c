#!/bin/busybox sh
# /init of the Linux guest bench/devices.ts builds: the same two measures as
# bench/services/devices.ts, the round trips with bench/linux/arp-pingpong
# (installed as /bin/arp-pingpong) and the disk with busybox dd, then one
# JSON line.
# The kernel hands us the bench's words from its command line as variables:
# bench_seconds (how long to do round trips), bench_blocks (64 KiB blocks to
# write, then read).
. /boot.sh
wait_for /dev/vda /sys/class/net/eth0
[ -b /dev/vda ] || fail "no /dev/vda"
# Raw ARP needs the link up but no address.
ip link set eth0 up || fail "no eth0"

# Sets ns to the monotonic clock in nanoseconds, from /proc/timer_list's
# third line ("now at 5577852123 nsecs"). Builtins only, and no $(...),
# which would fork: the clock costs next to nothing around the timed dd runs.
clock() {
	{ read -r _; read -r _; read -r _ _ ns _; } </proc/timer_list
}

# Nanoseconds as seconds, for the JSON line.
seconds() {
	printf '%d.%09d' $(($1 / 1000000000)) $(($1 % 1000000000))
}

# One process for all the round trips, timing itself: its JSON fields go into the line as they are.
round_trips=$(arp-pingpong eth0 "$bench_seconds" 2>&1) || fail "arp-pingpong: $round_trips"

# conv=fsync: the time includes the flush, as the Toro guest's does.
clock
start=$ns
dd if=/dev/zero of=/dev/vda bs=64k count="$bench_blocks" oflag=direct conv=fsync 2>/tmp/dd || fail "dd write: $(cat /tmp/dd)"
clock
write_ns=$((ns - start))
start=$ns
dd if=/dev/vda of=/dev/null bs=64k count="$bench_blocks" iflag=direct 2>/tmp/dd || fail "dd read: $(cat /tmp/dd)"
clock
read_ns=$((ns - start))

# dd keeps one request in flight.
printf '{%s,"bytes":%d,"disks":[{"inFlight":1,"writeSeconds":%s,"readSeconds":%s}]}\n' \
	"$round_trips" $((bench_blocks * 65536)) "$(seconds "$write_ns")" "$(seconds "$read_ns")"
poweroff -f
