/*
 * QuickJS guards its Atomics.wait bookkeeping with a pthread mutex. A core
 * runs one JavaScript runtime and nothing preempts it, so the mutex is a
 * no-op; a runtime never blocks (QuickJS's can_block is false), so waiting
 * on a condition is an error rather than a hang.
 */
#include <errno.h>
#include <pthread.h>

int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) { (void)c, (void)a; return 0; }
int pthread_cond_destroy(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_signal(pthread_cond_t *c) { (void)c; return 0; }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { (void)c, (void)m; return EDEADLK; }
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t) {
    (void)c, (void)m, (void)t;
    return EDEADLK;
}
