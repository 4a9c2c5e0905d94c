/*
 * examples/cli/cmd_erlang.c - `callcore erlang b|c|a`: the Erlang formulas from the shell.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/erlang.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char cli_erlang_usage[] =
    "usage: callcore erlang b --traffic A --servers N [--json]\n"
    "       callcore erlang c --traffic A --agents N [--aht-s S [--target-s T]] [--json]\n"
    "       callcore erlang a --traffic A --agents N --aht-s S --patience-s P [--target-s T] "
    "[--json]\n"
    "  b: blocking probability of N servers offered A Erlangs (N may be fractional).\n"
    "  c: queue without abandonment: p_wait, service_level (answered within T seconds,\n"
    "     default 20) and asa_s need the AHT; without it the ASA is printed in AHT units.\n"
    "  a: queue with exponential patience P seconds: p_wait, p_abandon, service_level\n"
    "     (answered within T over offered), asa_s (answered calls), occupancy.\n";

/* One output: a name and a value, printed as JSON or as "name: value" lines. */
typedef struct cli_erlang_out {
    const char *key;
    double value;
} cli_erlang_out;

static int cli_erlang_print(const cli_erlang_out *v, size_t n, int json)
{
    if (!json) {
        for (size_t i = 0; i < n; i++)
            printf("%-14s %.17g\n", v[i].key, v[i].value);
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    for (size_t i = 0; i < n; i++)
        cc__json_kv_double(&j, v[i].key, v[i].value);
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}

static int cli_erlang_agents(const cli_args *a, int *out)
{
    int64_t n;
    int rc = cli_int64(a, "agents", 0, 1, &n);
    if (rc) return rc;
    if (n < 1 || n > CC_ERLANG_MAX_AGENTS)
        return cli_usage_error(a, "--agents must be in [1, %d]", CC_ERLANG_MAX_AGENTS);
    *out = (int)n;
    return 0;
}

/* NaN from the library means invalid input: report its detail as a usage error. */
static int cli_erlang_check(const cli_args *a, double v)
{
    return isnan(v) ? cli_usage_error(a, "%s", cc_error_last()) : 0;
}

static int cli_erlang_b(const cli_args *a)
{
    double traffic, servers;
    int rc = cli_double(a, "traffic", 0, 1, &traffic);
    if (!rc) rc = cli_double(a, "servers", 0, 1, &servers);
    if (rc) return rc;
    double b = cc_erlang_b(servers, traffic);
    if ((rc = cli_erlang_check(a, b))) return rc;
    cli_erlang_out v[] = {{"blocking", b}};
    return cli_erlang_print(v, 1, cli_has(a, "json"));
}

static int cli_erlang_c(const cli_args *a)
{
    double traffic, aht, target;
    int n;
    int rc = cli_double(a, "traffic", 0, 1, &traffic);
    if (!rc) rc = cli_erlang_agents(a, &n);
    if (!rc) rc = cli_double(a, "aht-s", 0, 0, &aht);
    if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &target);
    if (rc) return rc;
    if (cli_has(a, "patience-s")) return cli_usage_error(a, "--patience-s belongs to 'erlang a'");
    double pw = cc_erlang_c(n, traffic);
    if ((rc = cli_erlang_check(a, pw))) return rc;
    double asa = cc_erlang_c_asa(n, traffic), occ = cc_erlang_c_occupancy(n, traffic);
    if (!cli_has(a, "aht-s")) {
        if (cli_has(a, "target-s")) return cli_usage_error(a, "--target-s needs --aht-s");
        cli_erlang_out v[] = {{"p_wait", pw}, {"asa_aht", asa}, {"occupancy", occ}};
        return cli_erlang_print(v, 3, cli_has(a, "json"));
    }
    if (!(aht > 0.0)) return cli_usage_error(a, "--aht-s must be > 0");
    double sl = cc_erlang_c_service_level(n, traffic, target / aht);
    if ((rc = cli_erlang_check(a, sl))) return rc;
    cli_erlang_out v[] = {
        {"p_wait", pw}, {"service_level", sl}, {"asa_s", asa * aht}, {"occupancy", occ}};
    return cli_erlang_print(v, 4, cli_has(a, "json"));
}

static int cli_erlang_a(const cli_args *a)
{
    double traffic, aht, patience, target;
    int n;
    int rc = cli_double(a, "traffic", 0, 1, &traffic);
    if (!rc) rc = cli_erlang_agents(a, &n);
    if (!rc) rc = cli_double(a, "aht-s", 0, 1, &aht);
    if (!rc) rc = cli_double(a, "patience-s", 0, 1, &patience);
    if (!rc) rc = cli_double(a, "target-s", 20.0, 0, &target);
    if (rc) return rc;
    if (!(aht > 0.0)) return cli_usage_error(a, "--aht-s must be > 0");
    cc_erlang_a_metrics m;
    cc_status st = cc_erlang_a_eval(&m, n, traffic, patience / aht, target / aht);
    if (st == CC_EINVAL) return cli_usage_error(a, "%s", cc_error_last());
    if (st) return cli_fail("%s", cc_error_last());
    cli_erlang_out v[] = {{"p_wait", m.p_wait},
                          {"p_abandon", m.p_abandon},
                          {"service_level", m.sl_offered},
                          {"asa_s", m.asa_answered * aht},
                          {"occupancy", m.occupancy}};
    return cli_erlang_print(v, 5, cli_has(a, "json"));
}

int cli_cmd_erlang(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "traffic", .has_arg = 1},
                      {.name = "servers", .has_arg = 1},
                      {.name = "agents", .has_arg = 1},
                      {.name = "aht-s", .has_arg = 1},
                      {.name = "target-s", .has_arg = 1},
                      {.name = "patience-s", .has_arg = 1},
                      {.name = "json"}};
    cli_args a = {.opts = opts, .nopts = sizeof opts / sizeof opts[0], .usage = cli_erlang_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos != 1) return cli_usage_error(&a, "expected one model: b, c or a");
    const char *model = a.pos[0];
    if (strcmp(model, "b") == 0) {
        if (cli_has(&a, "agents")) return cli_usage_error(&a, "Erlang B takes --servers");
        return cli_erlang_b(&a);
    }
    if (cli_has(&a, "servers")) return cli_usage_error(&a, "--servers belongs to 'erlang b'");
    if (strcmp(model, "c") == 0) return cli_erlang_c(&a);
    if (strcmp(model, "a") == 0) return cli_erlang_a(&a);
    return cli_usage_error(&a, "unknown model '%s' (expected b, c or a)", model);
}
