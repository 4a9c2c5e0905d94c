/*
 * examples/cli/cmd_version.c - `callcore version [--json]`.
 */
#include "cli.h"

#include "base/json.h"
#include "callcore/version.h"

#include <stdio.h>

static const char cli_version_usage[] = "usage: callcore version [--json]\n"
                                        "  Prints the version of the linked libcallcore.\n";

int cli_cmd_version(int argc, char **argv)
{
    cli_opt opts[] = {{.name = "json"}};
    cli_args a = {.opts = opts, .nopts = 1, .usage = cli_version_usage};
    int rc = cli_parse(&a, argc, argv);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.npos > 0) return cli_usage_error(&a, "unexpected argument '%s'", a.pos[0]);
    if (!cli_has(&a, "json")) {
        printf("callcore %s (library %s)\n", CC_VERSION_STRING, cc_version());
        return CLI_EXIT_OK;
    }
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_string(&j, "version", cc_version());
    cc__json_kv_int(&j, "version_hex", (int64_t)cc_version_hex());
    cc__json_kv_string(&j, "header_version", CC_VERSION_STRING);
    cc__json_object_end(&j);
    return cli_print_json(cc__json_take(&j));
}
