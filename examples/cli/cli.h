/*
 * examples/cli/cli.h - the `callcore` command-line program.
 *
 * Each subcommand lives in its own file (cmd_<name>.c) and is listed in the
 * table of main.c. Exit status: 0 success, 1 failure while working (bad file,
 * infeasible target), 2 usage error (unknown subcommand, bad flag or value:
 * usage on stderr).
 */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stddef.h>
#include <stdint.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
/* Seeds are whole numbers 0..2^53 (exact in a double, so in JSON too). */
#define CLI_SEED_MAX 9007199254740992LL

/* A subcommand: argv[0] is the subcommand's own name. */
typedef struct cli_command {
    const char *name;
    const char *summary; /* one line, for `callcore --help` */
    int (*run)(int argc, char **argv);
} cli_command;

/* ---- option parsing ------------------------------------------------------ */

#define CLI_MAX_VALUES 64
#define CLI_MAX_POSITIONALS 64 /* `callcore kpi` takes a month of daily logs */

/* One option spec: "--name VALUE" (has_arg) or "--name" (flag). Options may be
 * repeated when `repeat` is set; otherwise a repetition is a usage error. */
typedef struct cli_opt {
    const char *name;
    int has_arg;
    int repeat;
    /* filled by cli_parse */
    int count;
    const char *values[CLI_MAX_VALUES];
} cli_opt;

typedef struct cli_args {
    cli_opt *opts;
    size_t nopts;
    int npos;
    const char *pos[CLI_MAX_POSITIONALS];
    const char *usage; /* printed on a usage error */
} cli_args;

/* Parses argv[1..] (argv[0] is the subcommand). Accepts --name VALUE and
 * --name=VALUE. Returns 0, or prints an error and usage to stderr and
 * returns CLI_EXIT_USAGE. `--help` prints usage to stdout and returns -1. */
int cli_parse(cli_args *a, int argc, char **argv);

/* Looks up an option by name; NULL if it is not in the spec. */
const cli_opt *cli_find(const cli_args *a, const char *name);

/* 1 if the option was given. */
int cli_has(const cli_args *a, const char *name);

/* The option's (last) value, or `def` when absent. */
const char *cli_str(const cli_args *a, const char *name, const char *def);

/*
 * Reads a number option. Returns 0 and sets *out (def when absent, unless
 * required), or prints "callcore: --name: expected a number, got 'x'" plus usage
 * and returns CLI_EXIT_USAGE. The whole string must parse and be finite.
 */
int cli_double(const cli_args *a, const char *name, double def, int required, double *out);
/* A plain decimal number, whole text (digits, sign, point, exponent: no hex, inf, nan or
 * spaces, as the CSV readers take), finite; a tiny one may round to 0. 0, or -1. */
int cli_parse_decimal(const char *s, double *out);
int cli_int64(const cli_args *a, const char *name, int64_t def, int required, int64_t *out);

/* Prints "callcore <sub>: <msg>" and the usage to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_args *a, const char *fmt, ...);

/* Prints "callcore: <msg>" to stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *fmt, ...);

/* Prints an owned JSON string (from cc__json_take) followed by a newline and
 * frees it; returns CLI_EXIT_OK, or CLI_EXIT_FAIL if it is NULL. */
int cli_print_json(char *json);

/* ---- subcommands (one file each) ---------------------------------------- */
int cli_cmd_version(int argc, char **argv);
int cli_cmd_erlang(int argc, char **argv);
int cli_cmd_forecast(int argc, char **argv);
int cli_cmd_schedule(int argc, char **argv);
int cli_cmd_staff(int argc, char **argv);
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_bench(int argc, char **argv);
int cli_cmd_kpi(int argc, char **argv);
int cli_cmd_sim(int argc, char **argv);
int cli_cmd_day(int argc, char **argv);

#endif
