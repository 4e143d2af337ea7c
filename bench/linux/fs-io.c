/*
 * The Linux guest's file workload in bench/fs.ts: the four passes of
 * bench/services/fs-workload.ts (the Toro guest's, through toro/fs) over the
 * same files on the same FAT image, here mounted as vfat, with the same
 * block orders and fill bytes; one JSON line on stdout.
 *
 *   fs-io DIR BYTES OPS
 *
 * Part of the Linux baseline, not of Toro: compiled static with musl on
 * every run of the bench, so the initramfs needs nothing else for it.
 *
 * The page cache is kept out of what is measured: reads use O_DIRECT (each
 * read() is a request to the disk, of the size asked for), and writes are
 * timed until fsync() has returned, when the data and the FAT are on the
 * disk, as the Toro guest's are timed until sync() resolves. Writes are
 * buffered: vfat's direct I/O cannot grow a file (it falls back to the page
 * cache for that), and the Toro guest's FAT has its own write-back cache.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SEQUENTIAL_BYTES (64 * 1024)
#define RANDOM_BYTES 4096

/* fs-workload.ts's SEEDS. */
#define SEED_RAND_READ 1
#define SEED_RAND_WRITE 2

struct pass {
	long long bytes, ops;
	double seconds;
};

static const char *dir;

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "fs-io: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* fs-workload.ts's fillByte(). */
static int fill_byte(long long n)
{
	return (int)((n * 37 + 11) & 255);
}

/* fs-workload.ts's xorshift32. */
static uint32_t next_random(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* fs-workload.ts's blockOrder(): the blocks shuffled from the last; the caller takes the first ops. */
static long long *block_order(long long blocks, uint32_t seed)
{
	long long *order = malloc(blocks * sizeof *order);
	uint32_t x = seed;
	if (!order) {
		fprintf(stderr, "fs-io: out of memory\n");
		exit(1);
	}
	for (long long i = 0; i < blocks; i++)
		order[i] = i;
	for (long long i = blocks - 1; i > 0; i--) {
		long long j = next_random(&x) % (uint32_t)(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	return order;
}

static char *file_path(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

/* An aligned buffer, as O_DIRECT needs. */
static unsigned char *buffer(size_t bytes)
{
	void *p;
	if (posix_memalign(&p, 4096, bytes) != 0) {
		fprintf(stderr, "fs-io: out of memory\n");
		exit(1);
	}
	return p;
}

static struct pass sequential_read(long long bytes)
{
	const char *path = file_path("seq-read.bin");
	unsigned char *data = buffer(SEQUENTIAL_BYTES);
	struct pass p = { 0, 0, 0 };
	double start = now();
	int fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		fail("open", path);
	while (p.bytes < bytes) {
		ssize_t n = pread(fd, data, SEQUENTIAL_BYTES, p.bytes);
		if (n < 0)
			fail("read", path);
		if (n == 0) {
			fprintf(stderr, "fs-io: %s ended at %lld bytes\n", path, p.bytes);
			exit(1);
		}
		p.bytes += n;
		p.ops++;
	}
	p.seconds = now() - start;
	close(fd);
	return p;
}

static struct pass random_read(long long bytes, long long ops)
{
	const char *path = file_path("rand-read.bin");
	long long blocks = bytes / RANDOM_BYTES, *order = block_order(blocks, SEED_RAND_READ);
	unsigned char *data = buffer(RANDOM_BYTES);
	struct pass p = { 0, ops < blocks ? ops : blocks, 0 };
	double start = now();
	int fd = open(path, O_RDONLY | O_DIRECT);
	if (fd < 0)
		fail("open", path);
	for (long long i = 0; i < p.ops; i++) {
		if (pread(fd, data, RANDOM_BYTES, order[i] * RANDOM_BYTES) != RANDOM_BYTES)
			fail("read", path);
	}
	p.seconds = now() - start;
	p.bytes = p.ops * RANDOM_BYTES;
	close(fd);
	free(order);
	return p;
}

static struct pass sequential_write(long long bytes)
{
	const char *path = file_path("seq-write.bin");
	unsigned char *data = buffer(SEQUENTIAL_BYTES);
	struct pass p = { bytes, 0, 0 };
	double start = now();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		fail("open", path);
	for (long long done = 0; done < bytes; done += SEQUENTIAL_BYTES, p.ops++) {
		memset(data, fill_byte(p.ops), SEQUENTIAL_BYTES);
		if (pwrite(fd, data, SEQUENTIAL_BYTES, done) != SEQUENTIAL_BYTES)
			fail("write", path);
	}
	if (fsync(fd) != 0)
		fail("fsync", path);
	p.seconds = now() - start;
	close(fd);
	return p;
}

static struct pass random_write(long long bytes, long long ops)
{
	const char *path = file_path("rand-write.bin");
	long long blocks = bytes / RANDOM_BYTES, *order = block_order(blocks, SEED_RAND_WRITE);
	unsigned char *data = buffer(RANDOM_BYTES);
	struct pass p = { 0, ops < blocks ? ops : blocks, 0 };
	double start = now();
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		fail("open", path);
	for (long long i = 0; i < p.ops; i++) {
		memset(data, fill_byte(order[i]), RANDOM_BYTES);
		if (pwrite(fd, data, RANDOM_BYTES, order[i] * RANDOM_BYTES) != RANDOM_BYTES)
			fail("write", path);
	}
	if (fsync(fd) != 0)
		fail("fsync", path);
	p.seconds = now() - start;
	p.bytes = p.ops * RANDOM_BYTES;
	close(fd);
	free(order);
	return p;
}

static void print_pass(const char *name, struct pass p, const char *after)
{
	printf("\"%s\":{\"bytes\":%lld,\"ops\":%lld,\"seconds\":%.6f}%s", name, p.bytes, p.ops, p.seconds, after);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fs-io DIR BYTES OPS\n");
		return 2;
	}
	dir = argv[1];
	long long bytes = atoll(argv[2]), ops = atoll(argv[3]);
	if (bytes <= 0 || bytes % SEQUENTIAL_BYTES != 0 || ops < 0) {
		fprintf(stderr, "fs-io: BYTES must be a positive multiple of %d, OPS at least 0\n", SEQUENTIAL_BYTES);
		return 2;
	}
	/* The passes in fs-workload.ts's order. */
	struct pass seq_read = sequential_read(bytes), rand_read = random_read(bytes, ops);
	struct pass seq_write = sequential_write(bytes), rand_write = random_write(bytes, ops);
	printf("{\"fsio\":{");
	print_pass("seqRead", seq_read, ",");
	print_pass("randRead", rand_read, ",");
	print_pass("seqWrite", seq_write, ",");
	print_pass("randWrite", rand_write, "}}\n");
	return 0;
}
