/*
 * bench/bench_kpi.c - KPI engine speed: events aggregated per second, and the
 * time to import all nine months of Anonymous Bank data.
 *
 * Usage: bench_kpi [RUNS] [DATA_DIR]   (defaults: 5, $CALLCORE_DATA or
 * ../shared/data). Prints medians over RUNS; the import part is skipped with
 * a message when the data is absent. Targets (issue 5): >= 5,000,000 events/s,
 * < 2 s for the nine months.
 * Anonymous Bank data: Technion SEE lab, Avi Mandelbaum.
 */
#include "callcore/callcore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A day of a contact center as an event stream: arrivals every 0.5 s on
 * average over 8 queues, 60 agents, 85 % answered (connect + end + wrap-up),
 * 15 % abandoned, customers drawn from 50,000 (so the repeat window works). */
static cc_event *make_stream(size_t contacts, size_t *n_out)
{
    static const char *const queues[] = {"sales", "support", "billing", "tech",
                                         "retention", "vip", "claims", "general"};
    static char agent_names[60][8];
    for (int i = 0; i < 60; i++) snprintf(agent_names[i], sizeof agent_names[i], "a%02d", i);
    cc_event *ev = calloc(contacts * 5, sizeof *ev);
    if (!ev) return NULL;
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    size_t n = 0;
    int64_t t = 1700000000000LL;
    for (size_t c = 1; c <= contacts; c++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        t += (int64_t)(rng % 1000);
        int64_t wait = (int64_t)(rng >> 20) % 90000;
        cc_event base = {0};
        base.contact_id = c;
        base.customer_id = 1 + (rng >> 32) % 50000;
        base.queue = queues[(rng >> 8) % 8];
        base.channel = CC_CHANNEL_VOICE;
        base.time_ms = t;
        base.type = CC_EVENT_CONTACT_ARRIVED;
        ev[n++] = base;
        base.type = CC_EVENT_CONTACT_QUEUED;
        ev[n++] = base;
        base.time_ms = t + wait;
        base.wait_ms = wait;
        if ((rng >> 40) % 100 < 15) {
            base.type = CC_EVENT_CONTACT_ABANDONED;
            ev[n++] = base;
            continue;
        }
        base.agent = agent_names[(rng >> 44) % 60];
        base.type = CC_EVENT_CONTACT_CONNECTED;
        ev[n++] = base;
        base.duration_ms = 60000 + (int64_t)(rng >> 50) % 240000;
        base.time_ms += base.duration_ms;
        base.wait_ms = 0;
        base.type = CC_EVENT_CONTACT_ENDED;
        ev[n++] = base;
        base.time_ms += 20000;
        base.duration_ms = 20000;
        base.type = CC_EVENT_AGENT_WRAPUP_END;
        ev[n++] = base;
    }
    *n_out = n;
    return ev;
}

static int bench_aggregate(int runs)
{
    size_t n = 0;
    cc_event *ev = make_stream(400000, &n);
    if (!ev) return 1;
    double rate[64], report_ms[64];
    for (int r = 0; r < runs; r++) {
        cc_kpi *k = NULL;
        if (cc_kpi_new(&k, NULL) != CC_OK) return 1;
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) cc_kpi_add(k, &ev[i]);
        double t1 = now_s();
        cc_kpi_report *rep = NULL;
        if (cc_kpi_report_new(k, &rep) != CC_OK) return 1;
        double t2 = now_s();
        rate[r] = (double)n / (t1 - t0);
        report_ms[r] = (t2 - t1) * 1e3;
        if (r == 0)
            printf("stream: %zu events, %llu offered, %zu interval x queue cells\n", n,
                   (unsigned long long)rep->totals.offered, rep->n_interval_queues);
        cc_kpi_report_free(rep);
        cc_kpi_free(k);
    }
    printf("%-34s %14.0f events/s  (target >= 5,000,000)\n", "aggregate (cc_kpi_add), median",
           median(rate, runs));
    printf("%-34s %14.2f ms\n", "report snapshot, median", median(report_ms, runs));
    free(ev);
    return 0;
}

static void count_event(const cc_event *e, void *user_data)
{
    (void)e;
    ++*(unsigned long long *)user_data;
}

static int bench_import(int runs, const char *data)
{
    static const char *const months[] = {"january", "february", "march", "april", "may",
                                         "june", "july", "september", "october"};
    char path[9][1024];
    for (int m = 0; m < 9; m++) {
        snprintf(path[m], sizeof path[m], "%s/anonymous-bank/%s.txt", data, months[m]);
        FILE *f = fopen(path[m], "rb");
        if (!f) {
            printf("import: skipped, %s not found (set CALLCORE_DATA)\n", path[m]);
            return 0;
        }
        fclose(f);
    }
    double parse[64], full[64];
    unsigned long long events = 0, lines = 0;
    for (int r = 0; r < runs; r++) {
        for (int with_kpi = 0; with_kpi <= 1; with_kpi++) {
            cc_import_options o = CC_IMPORT_OPTIONS_INIT;
            o.format = "anonymous-bank";
            cc_import *imp = NULL;
            cc_kpi *k = NULL;
            if (cc_import_new(&imp, &o) != CC_OK || cc_kpi_new(&k, NULL) != CC_OK) return 1;
            unsigned long long count = 0;
            cc_event_fn sink = with_kpi ? cc_kpi_sink : count_event;
            void *ud = with_kpi ? (void *)k : (void *)&count;
            double t0 = now_s();
            for (int m = 0; m < 9; m++)
                if (cc_import_file(imp, path[m], sink, ud) != CC_OK) return 1;
            if (cc_import_finish(imp, sink, ud) != CC_OK) return 1;
            cc_kpi_report *rep = NULL;
            if (with_kpi && cc_kpi_report_new(k, &rep) != CC_OK) return 1;
            double t1 = now_s();
            (with_kpi ? full : parse)[r] = t1 - t0;
            events = cc_import_get_stats(imp)->events;
            lines = cc_import_get_stats(imp)->lines_read;
            cc_kpi_report_free(rep);
            cc_kpi_free(k);
            cc_import_free(imp);
        }
    }
    printf("Anonymous Bank, 9 months: %llu lines, %llu events\n", lines, events);
    printf("%-34s %14.3f s\n", "import only (parse + sort), median", median(parse, runs));
    printf("%-34s %14.3f s  (target < 2 s)\n", "import + aggregate + report, median",
           median(full, runs));
    return 0;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long runs = argc > 1 ? strtol(argv[1], &end, 10) : 5;
    if (argc > 3 || (end && (end == argv[1] || *end || runs < 1 || runs > 64))) {
        int help = argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
        fputs("usage: bench_kpi [RUNS 1..64, default 5 [DATA_DIR, default $CALLCORE_DATA or "
              "../shared/data]]\n",
              help ? stdout : stderr);
        return help ? 0 : 2;
    }
    const char *data = argc > 2 ? argv[2] : getenv("CALLCORE_DATA");
    if (!data) data = "../shared/data";
    printf("bench_kpi: %ld runs, %s\n", runs, cc_version());
    if (bench_aggregate((int)runs) != 0) return 1;
    return bench_import((int)runs, data);
}
