/*
 * bench/bench_latency.c - what one dependent memory load costs on this
 * machine, at the working sets the routing engine has at 1,000, 10,000 and
 * 100,000 agents: the unit the routing figures at scale are made of
 * (docs/routing.md, "What a decision costs at scale").
 *
 *   bench_latency [loads]        (default 10,000,000 loads per cell)
 *
 * Each cell chases a pointer through every 64-byte line of a buffer in a
 * random cyclic order (each load's address is the previous load's value, so
 * no two loads overlap, as in the engine's chains id map slot -> contact ->
 * agent), once with 4 KB pages and once with 2 MB pages asked for
 * (madvise(MADV_HUGEPAGE), transparent huge pages in `madvise` or `always`
 * mode; the column says "-" where the system has no such call). Prints the
 * median of three runs in nanoseconds per load. Setting up a cell is
 * O(lines); the chase is O(loads).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64
#define HUGE_PAGE (2u << 20)

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A buffer of `bytes` on a 2 MB boundary (so that huge pages can back all of
 * it), or NULL. *raw and *raw_len are what to munmap. */
static char *buffer_map(size_t bytes, int huge, void **raw, size_t *raw_len)
{
    *raw_len = bytes + HUGE_PAGE;
    *raw = mmap(NULL, *raw_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (*raw == MAP_FAILED) return NULL;
    char *b = (char *)(((uintptr_t)*raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
    madvise(b, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#else
    (void)huge;
#endif
    return b;
}

/* Links every line of b into one random cycle (Fisher-Yates over the line
 * order); returns the first line, or NULL when out of memory. */
static void *cycle_build(char *b, size_t lines)
{
    size_t *order = malloc(lines * sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < lines; i++) order[i] = i;
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = (size_t)(xorshift(&s) % (i + 1));
        size_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < lines; i++)
        *(void **)(b + order[i] * LINE) = b + order[(i + 1) % lines] * LINE;
    void *first = b + order[0] * LINE;
    free(order);
    return first;
}

/* Nanoseconds per dependent load over `bytes`, or a negative value when the
 * buffer cannot be had. One untimed lap first, so that the pages exist and
 * the caches hold what they can. */
static double chase_ns(size_t bytes, int huge, size_t loads)
{
    void *raw;
    size_t raw_len, lines = bytes / LINE;
    char *b = buffer_map(bytes, huge, &raw, &raw_len);
    if (!b) return -1;
    void *p = cycle_build(b, lines);
    double ns = -1;
    if (p) {
        for (size_t i = 0; i < lines; i++) p = *(void **)p;
        double t0 = now_ns();
        for (size_t i = 0; i < loads; i++) p = *(void **)p;
        ns = (now_ns() - t0) / (double)loads;
        /* keeps the chase from being optimised away */
        if (p == NULL) ns = -1;
    }
    munmap(raw, raw_len);
    return ns;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median3(size_t bytes, int huge, size_t loads)
{
    double v[3];
    for (int i = 0; i < 3; i++) v[i] = chase_ns(bytes, huge, loads);
    qsort(v, 3, sizeof v[0], cmp_double);
    return v[1];
}

int main(int argc, char **argv)
{
    size_t loads = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000;
    if (loads < 1000 || loads > 1000000000) {
        fprintf(stderr, "bench_latency: loads must be 1000..1000000000\n");
        return 2;
    }
    /* the engine's bytes at 1,000 / 10,000 / 100,000 agents (bench_routing's
     * bytes per agent and per contact) fall in the 2, 16 and 256 MB rows */
    static const double mb[] = {0.5, 2, 16, 64, 256};
    printf("%10s %14s %14s\n", "working_MB", "ns_4k_pages", "ns_2m_pages");
    for (size_t i = 0; i < sizeof mb / sizeof mb[0]; i++) {
        size_t bytes = (size_t)(mb[i] * 1048576.0);
        double small = median3(bytes, 0, loads);
#if defined(MADV_HUGEPAGE)
        double huge = median3(bytes, 1, loads);
#else
        double huge = -1;
#endif
        if (small < 0) {
            fprintf(stderr, "bench_latency: no memory for %.1f MB\n", mb[i]);
            return 1;
        }
        printf("%10.1f %14.1f ", mb[i], small);
        if (huge < 0) printf("%14s\n", "-");
        else printf("%14.1f\n", huge);
    }
    return 0;
}
