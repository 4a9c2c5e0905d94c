/*
 * examples/cli/main.c - `callcore`: subcommand dispatch and global help.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* The subcommands. Each area adds its row (kept in alphabetical order). */
static const cli_command cli_commands[] = {
    {"bench", "benchmarks: `bench routing` decisions per second vs a linear scan", cli_cmd_bench},
    {"day", "a contact-center day: forecast, staffing, shifts, simulation, chart", cli_cmd_day},
    {"erlang", "Erlang B, C and A: blocking, waiting, service level", cli_cmd_erlang},
    {"forecast", "interval volume forecasts and backtests from a CSV", cli_cmd_forecast},
    {"kpi", "KPIs of a queue_log, call-record CSV or Anonymous Bank log", cli_cmd_kpi},
    {"schedule", "shifts that cover per-interval agent needs at minimum cost (CBC)", cli_cmd_schedule},
    {"serve", "serve the engine over msgpack-RPC (TCP or Unix socket)", cli_cmd_serve},
    {"sim", "simulate a contact center through the routing engine (KPI report)", cli_cmd_sim},
    {"staff", "minimum agents for an interval (SL, ASA or abandonment target)", cli_cmd_staff},
    {"version", "print the library version", cli_cmd_version},
};

static void cli_print_help(FILE *out)
{
    fputs("usage: callcore <command> [options] [--json]\n\n"
          "libcallcore: routing, workforce forecasting and KPIs for contact centers.\n\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
        fprintf(out, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fputs("\nRun 'callcore <command> --help' for the options of one command.\n"
          "Exit status: 0 ok, 1 failure, 2 usage error.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        cli_print_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) return cli_cmd_version(1, argv + 1);
    for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
        if (strcmp(argv[1], cli_commands[i].name) == 0)
            return cli_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "callcore: unknown command '%s'\n\n", argv[1]);
    cli_print_help(stderr);
    return CLI_EXIT_USAGE;
}
