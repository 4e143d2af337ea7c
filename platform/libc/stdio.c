/*
 * musl's stdout and stderr write through these hooks; defining them here
 * keeps musl's own versions (which make system calls) out of the link, and
 * sends printf output to the console.
 */
#include <stdio.h>
#include <sys/uio.h>
#include "console.h"

/* musl's FILE is opaque; only the fields these hooks need, in its layout. */
struct musl_file {
    unsigned flags;
    unsigned char *rpos, *rend;
    int (*close)(FILE *);
    unsigned char *wend, *wpos, *mustbezero_1, *wbase;
    size_t (*read)(FILE *, unsigned char *, size_t);
    size_t (*write)(FILE *, const unsigned char *, size_t);
    long (*seek)(FILE *, long, int);
    unsigned char *buf;
    size_t buf_size;
};

size_t __stdio_write(FILE *f, const unsigned char *buf, size_t len) {
    struct musl_file *m = (struct musl_file *)f;
    if (m->wpos > m->wbase) console_write((const char *)m->wbase, (size_t)(m->wpos - m->wbase));
    console_write((const char *)buf, len);
    /* As musl's own version leaves it: the buffer empty and ready. */
    m->wend = m->buf + m->buf_size;
    m->wpos = m->wbase = m->buf;
    return len;
}
size_t __stdout_write(FILE *f, const unsigned char *buf, size_t len) { return __stdio_write(f, buf, len); }
int __stdio_close(FILE *f) { (void)f; return 0; }
long __stdio_seek(FILE *f, long off, int whence) { (void)f, (void)off, (void)whence; return -1; }

/* One core runs one thread: FILE locks have nothing to exclude, and musl's
   own versions would wait with futex system calls. */
int __lockfile(FILE *f) { (void)f; return 0; }
void __unlockfile(FILE *f) { (void)f; }
