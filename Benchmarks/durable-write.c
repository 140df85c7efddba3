/*
 * The floor for spool throughput: what the disk allows for one durable file per job, with
 * nothing else. For each job: write a file in tmp/, fsync it, rename it into new/, fsync new/.
 *
 *   cc -O2 -o durable-write Benchmarks/durable-write.c
 *   ./durable-write DIR COUNT [BYTES]     prints "COUNT files in S s: R files/s"
 *
 * DIR must not exist yet (or be empty); it is created with tmp/ and new/ inside.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what, const char *path) {
    fprintf(stderr, "durable-write: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: durable-write DIR COUNT [BYTES]\n");
        return 64;
    }
    const char *root = argv[1];
    long count = atol(argv[2]);
    long size = argc > 3 ? atol(argv[3]) : 900;
    char tmp[4096], new[4096], from[4096 + 64], to[4096 + 64];
    if (strlen(root) > 4000) {
        fprintf(stderr, "durable-write: DIR is too long\n");
        return 64;
    }
    snprintf(tmp, sizeof tmp, "%s/tmp", root);
    snprintf(new, sizeof new, "%s/new", root);
    if (mkdir(root, 0750) != 0 && errno != EEXIST) fail("mkdir", root);
    if (mkdir(tmp, 0750) != 0 && errno != EEXIST) fail("mkdir", tmp);
    if (mkdir(new, 0750) != 0 && errno != EEXIST) fail("mkdir", new);
    char *body = malloc(size);
    memset(body, 'x', size);
    int dir = open(new, O_RDONLY | O_DIRECTORY);
    if (dir < 0) fail("open", new);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++) {
        snprintf(from, sizeof from, "%s/20261201T150000Z_sms_j%010ld.json", tmp, i);
        snprintf(to, sizeof to, "%s/20261201T150000Z_sms_j%010ld.json", new, i);
        int fd = open(from, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0) fail("open", from);
        if (write(fd, body, size) != size) fail("write", from);
        if (fsync(fd) != 0) fail("fsync", from);
        if (close(fd) != 0) fail("close", from);
        if (rename(from, to) != 0) fail("rename", from);
        if (fsync(dir) != 0) fail("fsync", new);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%ld files in %.3f s: %.0f files/s\n", count, seconds, count / seconds);
    return 0;
}
