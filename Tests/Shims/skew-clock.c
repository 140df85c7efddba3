/*
 * A wall clock off by $RAPPORT_SKEW_SECONDS for one process, preloaded by the cluster's
 * clock-skew test (issue 26): CLOCK_REALTIME, gettimeofday() and time() move; the monotonic
 * clock and every timer stay as the kernel keeps them.
 *
 * Why not libfaketime: it rewrites the deadlines of every timerfd as if on the wall clock, even
 * with FAKETIME_DONT_FAKE_MONOTONIC (libfaketime issue #378), so libdispatch's timers in a
 * process set ten minutes back wait ten minutes more and the node stops ticking; and under its
 * preload a Swift program sees no command-line arguments. A skewed host is neither.
 *
 *     cc -shared -fPIC -o skew-clock.so skew-clock.c -ldl
 *     RAPPORT_SKEW_SECONDS=-600 LD_PRELOAD=./skew-clock.so rapportd ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long skew(void) {
    const char *text = getenv("RAPPORT_SKEW_SECONDS");
    return text ? atol(text) : 0;
}

int clock_gettime(clockid_t clock, struct timespec *now) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(clock, now);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) now->tv_sec += skew();
    return result;
}

int gettimeofday(struct timeval *restrict now, void *restrict zone) {
    static int (*real)(struct timeval *restrict, void *restrict);
    if (!real) real = (int (*)(struct timeval *restrict, void *restrict))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real(now, zone);
    if (result == 0) now->tv_sec += skew();
    return result;
}

time_t time(time_t *now) {
    struct timespec spec;
    clock_gettime(CLOCK_REALTIME, &spec);
    if (now) *now = spec.tv_sec;
    return spec.tv_sec;
}
