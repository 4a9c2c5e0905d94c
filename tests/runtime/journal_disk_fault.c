/*
 * tests/runtime/journal_disk_fault.c - an LD_PRELOAD library that makes the
 * journal's disk slow and then failing, for the durability tests of
 * `callcore serve` (test_durability.py).
 *
 *   CC_FAULT_SYNC_MS=N    every fdatasync() takes N ms more (default 0), so a
 *                         test can act while the server waits for the disk;
 *   CC_FAULT_FAIL_MATCH=S the first write() to a journal segment (*.ccj)
 *                         whose bytes contain the string S fails with EIO
 *                         (unset: none does), so a test picks the records
 *                         that are lost by naming something in them.
 *
 * Only writes to the journal's segments can fail; every other write (the
 * sockets, stderr) goes through untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int env_int(const char *name)
{
    const char *v = getenv(name);
    return v ? atoi(v) : 0;
}

/* 1 when fd is an open journal segment (its path ends in ".ccj"). */
static int is_segment(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 4) return 0;
    path[n] = '\0';
    return strcmp(path + n - 4, ".ccj") == 0;
}

/* 1 the first time a segment write carries CC_FAULT_FAIL_MATCH. */
static int must_fail(int fd, const void *buf, size_t len)
{
    static int failed;
    const char *match = getenv("CC_FAULT_FAIL_MATCH");
    if (failed || !match || !*match || fd <= 2) return 0;
    if (!memmem(buf, len, match, strlen(match)) || !is_segment(fd)) return 0;
    failed = 1;
    return 1;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    if (!real_write) real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (must_fail(fd, buf, len)) {
        errno = EIO;
        return -1;
    }
    return real_write(fd, buf, len);
}

int fdatasync(int fd)
{
    static int (*real_fdatasync)(int);
    if (!real_fdatasync) real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    int ms = env_int("CC_FAULT_SYNC_MS");
    if (ms > 0) {
        struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return real_fdatasync(fd);
}
