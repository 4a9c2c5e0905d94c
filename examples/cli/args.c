/*
 * examples/cli/args.c - option parsing for the callcore subcommands.
 */
#include "cli.h"

#include "callcore/alloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cli_opt *cli_lookup(cli_args *a, const char *name, size_t len)
{
    for (size_t i = 0; i < a->nopts; i++)
        if (strlen(a->opts[i].name) == len && strncmp(a->opts[i].name, name, len) == 0)
            return &a->opts[i];
    return NULL;
}

static int cli_add_value(cli_args *a, cli_opt *o, const char *v)
{
    if (o->count > 0 && !o->repeat)
        return cli_usage_error(a, "--%s given more than once", o->name);
    if (o->count >= CLI_MAX_VALUES)
        return cli_usage_error(a, "--%s given too many times", o->name);
    o->values[o->count++] = v;
    return 0;
}

int cli_parse(cli_args *a, int argc, char **argv)
{
    a->npos = 0;
    for (size_t i = 0; i < a->nopts; i++) a->opts[i].count = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(a->usage, stdout);
            return -1;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->npos >= CLI_MAX_POSITIONALS) return cli_usage_error(a, "too many arguments");
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        cli_opt *o = cli_lookup(a, name, len);
        if (!o) return cli_usage_error(a, "unknown option '--%.*s'", (int)len, name);
        const char *value;
        if (o->has_arg) {
            if (eq) {
                value = eq + 1;
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return cli_usage_error(a, "--%s needs a value", o->name);
            }
        } else {
            if (eq) return cli_usage_error(a, "--%s takes no value", o->name);
            value = "1";
        }
        int rc = cli_add_value(a, o, value);
        if (rc) return rc;
    }
    return 0;
}

const cli_opt *cli_find(const cli_args *a, const char *name)
{
    for (size_t i = 0; i < a->nopts; i++)
        if (strcmp(a->opts[i].name, name) == 0) return &a->opts[i];
    return NULL;
}

int cli_has(const cli_args *a, const char *name)
{
    const cli_opt *o = cli_find(a, name);
    return o && o->count > 0;
}

const char *cli_str(const cli_args *a, const char *name, const char *def)
{
    const cli_opt *o = cli_find(a, name);
    return (o && o->count > 0) ? o->values[o->count - 1] : def;
}

/* The text of the number option --name, or NULL when it is absent; *rc is then the usage
 * error when the option is required, else 0 (the caller stores its default). */
static const char *cli_number_text(const cli_args *a, const char *name, int required, int *rc)
{
    const char *s = cli_str(a, name, NULL);
    *rc = (!s && required) ? cli_usage_error(a, "--%s is required", name) : 0;
    return s;
}

int cli_parse_decimal(const char *s, double *out)
{
    /* strtod alone also took "0x10" as 16 and refused "1e-320" (ERANGE on underflow) */
    if (!*s || strspn(s, "0123456789.+-eE") != strlen(s)) return -1;
    char *end = NULL;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

int cli_double(const cli_args *a, const char *name, double def, int required, double *out)
{
    int rc;
    const char *s = cli_number_text(a, name, required, &rc);
    if (!s) {
        if (rc == 0) *out = def;
        return rc;
    }
    if (cli_parse_decimal(s, out) != 0)
        return cli_usage_error(a, "--%s: expected a number, got '%s'", name, s);
    return 0;
}

int cli_int64(const cli_args *a, const char *name, int64_t def, int required, int64_t *out)
{
    int rc;
    const char *s = cli_number_text(a, name, required, &rc);
    if (!s) {
        if (rc == 0) *out = def;
        return rc;
    }
    /* strtoll skips leading white space: " 5" was 5 while "5 " was refused; a sign and
     * digits only, as cli_parse_decimal takes plain text only */
    size_t sign = (*s == '+' || *s == '-');
    if (!s[sign] || strspn(s + sign, "0123456789") != strlen(s + sign))
        return cli_usage_error(a, "--%s: expected a whole number, got '%s'", name, s);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        return cli_usage_error(a, "--%s: expected a whole number, got '%s'", name, s);
    *out = (int64_t)v;
    return 0;
}

int cli_usage_error(const cli_args *a, const char *fmt, ...)
{
    va_list ap;
    fputs("callcore: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (a && a->usage) fputs(a->usage, stderr);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    fputs("callcore: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

int cli_print_json(char *json)
{
    if (!json) return cli_fail("out of memory while writing JSON");
    fputs(json, stdout);
    fputc('\n', stdout);
    cc_free(json);
    return CLI_EXIT_OK;
}
