/*
 * bench/bench_sim.c - simulated contacts per second, end to end.
 *
 * Each run is a whole simulation: arrivals, the routing engine deciding every
 * offer, the simulated backend answering, the KPI engine aggregating every
 * event. Figures are medians of --runs runs (different seeds), per second of
 * process CPU time.
 *
 *   bench_sim [--agents N] [--contacts C] [--runs R] [--json]
 *       one preset: N agents on one voice queue at 90% load
 *   bench_sim --table [--contacts C] [--runs R] [--max-agents N] [--json]
 *       the scaling table: 1k / 10k / 100k agents x (1 queue without skills |
 *       50 skill queues, 3 skills per agent) x (voice only | voice + chat + email),
 *       C contacts per run (default 200,000) but at least 5 per agent
 */
#include "base/json.h"
#include "callcore/alloc.h"
#include "callcore/sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_SKILLS 50
#define BENCH_AHT_S 300.0
#define BENCH_LOAD 0.9

typedef struct bench_preset {
    long agents;
    int many_skills;
    int many_channels;
} bench_preset;

typedef struct bench_figures {
    double contacts, seconds, contacts_per_s, events_per_s, ns_per_contact;
} bench_figures;

/* Process CPU time: on a machine shared with other jobs, wall time measures
 * the neighbours; the simulation is single-threaded, so CPU seconds are its
 * own cost. */
static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One agent group: `count` agents serving `queues` (names), with capacities. */
static void bench_group(cc__json *j, const char *name, long count, const char *const *queues,
                        int nq, const bench_preset *p)
{
    cc__json_object_begin(j);
    cc__json_kv_string(j, "name", name);
    cc__json_kv_int(j, "count", count);
    cc__json_key(j, "queues");
    cc__json_array_begin(j);
    for (int i = 0; i < nq; i++) cc__json_string(j, queues[i]);
    cc__json_array_end(j);
    cc__json_kv_double(j, "ring_delay_s", 2);
    if (p->many_channels) {
        cc__json_key(j, "capacity");
        cc__json_object_begin(j);
        cc__json_kv_int(j, "voice", 1);
        cc__json_kv_int(j, "chat", 3);
        cc__json_kv_int(j, "email", 2);
        cc__json_object_end(j);
        cc__json_kv_int(j, "max_load", 3);
    }
    cc__json_object_end(j);
}

static void bench_stream(cc__json *j, const char *queue, const char *channel, double per_hour)
{
    cc__json_object_begin(j);
    cc__json_kv_string(j, "queue", queue);
    cc__json_kv_string(j, "channel", channel);
    cc__json_kv_double(j, "calls_per_hour", per_hour);
    cc__json_key(j, "handle_s");
    cc__json_object_begin(j);
    cc__json_kv_string(j, "dist", "exponential");
    cc__json_kv_double(j, "mean", BENCH_AHT_S);
    cc__json_object_end(j);
    cc__json_key(j, "patience_s");
    cc__json_object_begin(j);
    cc__json_kv_string(j, "dist", "exponential");
    cc__json_kv_double(j, "mean", 600);
    cc__json_object_end(j);
    cc__json_object_end(j);
}

/*
 * The preset as a scenario document: load 90% of the agents with exponential
 * handle times of 300 s, for as many hours as it takes to offer `contacts`.
 */
static char *bench_scenario(const bench_preset *p, double contacts)
{
    double per_hour = BENCH_LOAD * (double)p->agents * 3600.0 / BENCH_AHT_S;
    double hours = contacts / per_hour;
    int nq = p->many_skills ? BENCH_SKILLS : 1;
    static const char *const channels[3] = {"voice", "chat", "email"};
    int nch = p->many_channels ? 3 : 1;
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_int(&j, "version", 1);
    cc__json_kv_double(&j, "hours", hours);
    cc__json_kv_double(&j, "interval_min", 60);
    cc__json_kv_double(&j, "drain_h", 1);
    cc__json_key(&j, "queues");
    cc__json_array_begin(&j);
    char names[BENCH_SKILLS][16];
    for (int q = 0; q < nq; q++) {
        snprintf(names[q], sizeof names[q], "q%d", q);
        cc__json_object_begin(&j);
        cc__json_kv_string(&j, "name", names[q]);
        cc__json_object_end(&j);
    }
    cc__json_array_end(&j);
    cc__json_key(&j, "agents");
    cc__json_array_begin(&j);
    if (!p->many_skills) {
        const char *q0 = names[0];
        bench_group(&j, "a", p->agents, &q0, 1, p);
    } else {
        /* Group g serves queues g, g+1, g+2: every queue has three groups. */
        for (int g = 0; g < BENCH_SKILLS; g++) {
            const char *qs[3] = {names[g], names[(g + 1) % BENCH_SKILLS],
                                 names[(g + 2) % BENCH_SKILLS]};
            char gname[16];
            snprintf(gname, sizeof gname, "g%d", g);
            long count = p->agents / BENCH_SKILLS + (g < p->agents % BENCH_SKILLS);
            bench_group(&j, gname, count, qs, 3, p);
        }
    }
    cc__json_array_end(&j);
    cc__json_key(&j, "arrivals");
    cc__json_array_begin(&j);
    /* With several channels, voice brings half the contacts and chat and
     * e-mail a quarter each; an agent may hold up to 3 digital contacts. */
    for (int q = 0; q < nq; q++)
        for (int c = 0; c < nch; c++) {
            double share = nch == 1 ? 1.0 : (c == 0 ? 0.5 : 0.25);
            bench_stream(&j, names[q], channels[c], per_hour * share / nq);
        }
    cc__json_array_end(&j);
    cc__json_object_end(&j);
    return cc__json_take(&j);
}

static int bench_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int bench_run(const bench_preset *p, double contacts, int runs, bench_figures *out)
{
    char *doc = bench_scenario(p, contacts);
    if (!doc) return -1;
    cc_sim_scenario *sc;
    cc_status st = cc_sim_scenario_parse(&sc, doc, strlen(doc), NULL);
    cc_free(doc);
    if (st) {
        fprintf(stderr, "bench_sim: scenario: %s\n", cc_error_last());
        return -1;
    }
    double cps[64], eps[64], secs[64], n_contacts[64];
    for (int r = 0; r < runs; r++) {
        cc_sim_options o = CC_SIM_OPTIONS_INIT;
        o.seed = (uint64_t)r + 1;
        cc_sim *run;
        double t0 = bench_now();
        st = cc_sim_new(&run, sc, &o);
        if (!st) st = cc_sim_run(run);
        double t1 = bench_now();
        cc_sim_stats s = CC_SIM_STATS_INIT;
        if (!st) st = cc_sim_get_stats(run, &s);
        cc_sim_free(run);
        if (st) {
            fprintf(stderr, "bench_sim: run: %s\n", cc_error_last());
            cc_sim_scenario_free(sc);
            return -1;
        }
        secs[r] = t1 - t0;
        n_contacts[r] = (double)s.arrivals;
        cps[r] = (double)s.arrivals / secs[r];
        eps[r] = (double)s.engine_events / secs[r];
    }
    cc_sim_scenario_free(sc);
    qsort(cps, (size_t)runs, sizeof *cps, bench_cmp);
    qsort(eps, (size_t)runs, sizeof *eps, bench_cmp);
    qsort(secs, (size_t)runs, sizeof *secs, bench_cmp);
    qsort(n_contacts, (size_t)runs, sizeof *n_contacts, bench_cmp);
    out->contacts = n_contacts[runs / 2];
    out->seconds = secs[runs / 2];
    out->contacts_per_s = cps[runs / 2];
    out->events_per_s = eps[runs / 2];
    out->ns_per_contact = 1e9 / cps[runs / 2];
    return 0;
}

static void bench_json_row(cc__json *j, const bench_preset *p, const bench_figures *f)
{
    cc__json_object_begin(j);
    cc__json_kv_int(j, "agents", p->agents);
    cc__json_kv_int(j, "skills", p->many_skills ? BENCH_SKILLS : 0);
    cc__json_kv_int(j, "channels", p->many_channels ? 3 : 1);
    cc__json_kv_double(j, "contacts", f->contacts);
    cc__json_kv_double(j, "cpu_seconds", f->seconds);
    cc__json_kv_double(j, "contacts_per_s", f->contacts_per_s);
    cc__json_kv_double(j, "engine_events_per_s", f->events_per_s);
    cc__json_kv_double(j, "ns_per_contact", f->ns_per_contact);
    cc__json_object_end(j);
}

static long bench_arg(int argc, char **argv, const char *name, long def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) {
            char *end;
            long v = strtol(argv[i + 1], &end, 10);
            if (*end || v <= 0) {
                fprintf(stderr, "bench_sim: %s needs a positive number\n", name);
                exit(2);
            }
            return v;
        }
    return def;
}

static int bench_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (bench_flag(argc, argv, "--help")) {
        puts("usage: bench_sim [--agents N] [--contacts C] [--runs R] [--json]\n"
             "       bench_sim --table [--contacts C] [--runs R] [--max-agents N] [--json]");
        return 0;
    }
    int json = bench_flag(argc, argv, "--json");
    long runs = bench_arg(argc, argv, "--runs", 3);
    long contacts = bench_arg(argc, argv, "--contacts", 200000);
    if (runs > 64) runs = 64;
    cc__json j;
    cc__json_init(&j, 1);
    if (!bench_flag(argc, argv, "--table")) {
        bench_preset p = {bench_arg(argc, argv, "--agents", 1000), 0, 0};
        bench_figures f;
        if (bench_run(&p, (double)contacts, (int)runs, &f)) return 1;
        if (json) {
            bench_json_row(&j, &p, &f);
            char *s = cc__json_take(&j);
            puts(s ? s : "null");
            cc_free(s);
        } else {
            printf("simulated %.0f contacts with %ld agents in %.3f s (median of %ld runs): "
                   "%.0f contacts/s, %.0f engine events/s, %.0f ns per contact (CPU time)\n",
                   f.contacts, p.agents, f.seconds, runs, f.contacts_per_s, f.events_per_s,
                   f.ns_per_contact);
        }
        return 0;
    }
    long max_agents = bench_arg(argc, argv, "--max-agents", 100000);
    if (json) cc__json_array_begin(&j);
    else
        printf("| agents | skills | channels | contacts | contacts/s | engine events/s | ns/contact |\n"
               "|---:|---:|---:|---:|---:|---:|---:|\n");
    for (long agents = 1000; agents <= max_agents; agents *= 10)
        for (int sk = 0; sk < 2; sk++)
            for (int ch = 0; ch < 2; ch++) {
                bench_preset p = {agents, sk, ch};
                bench_figures f;
                /* At least 5 contacts per agent, so the start of the day (every agent
                 * logging in) does not dominate the figure. */
                double n = (double)contacts > 5.0 * (double)agents ? (double)contacts
                                                                   : 5.0 * (double)agents;
                if (bench_run(&p, n, (int)runs, &f)) return 1;
                if (json) {
                    bench_json_row(&j, &p, &f);
                } else {
                    printf("| %ld | %d | %d | %.0f | %.0f | %.0f | %.0f |\n", agents,
                           sk ? BENCH_SKILLS : 0, ch ? 3 : 1, f.contacts, f.contacts_per_s,
                           f.events_per_s, f.ns_per_contact);
                    fflush(stdout);
                }
            }
    if (json) {
        cc__json_array_end(&j);
        char *s = cc__json_take(&j);
        puts(s ? s : "null");
        cc_free(s);
    }
    return 0;
}
