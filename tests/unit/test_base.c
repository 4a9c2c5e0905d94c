/*
 * tests/unit/test_base.c - error model, allocator hook, version, event names,
 * JSON writer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/error.h"
#include "base/c_numeric.h"
#include "base/json.h"
#include "base/json_read.h"
#include "base/mem.h"
#include "base/span.h"
#include "callcore/callcore.h"
#include "support/alloc_fail.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int all_status[] = {
#define X(name, value, text) name,
    CC_STATUS_LIST(X)
#undef X
};

static void status_texts_are_distinct(void **state)
{
    (void)state;
    size_t n = sizeof all_status / sizeof all_status[0];
    assert_int_equal(n, CC_STATUS_COUNT);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(all_status[i], -(int)i); /* dense and append-only */
        assert_string_not_equal(cc_strerror(all_status[i]), "unknown error");
        for (size_t k = 0; k < i; k++) {
            assert_string_not_equal(cc_strerror(all_status[i]), cc_strerror(all_status[k]));
            assert_string_not_equal(cc_status_name(all_status[i]),
                                    cc_status_name(all_status[k]));
        }
    }
    assert_string_equal(cc_strerror(12345), "unknown error");
    assert_string_equal(cc_status_name(CC_EINVAL), "CC_EINVAL");
}

static void detail_message_is_per_failure(void **state)
{
    (void)state;
    cc_error_clear();
    assert_string_equal(cc_error_last(), "");
    cc_status st = cc__fail(CC_EINVAL, "queue '%s': ring timeout must be > 0, got %d", "sales", -5);
    assert_int_equal(st, CC_EINVAL);
    assert_string_equal(cc_error_last(), "queue 'sales': ring timeout must be > 0, got -5");
    assert_true(isnan(cc__fail_nan("load %g < 0", -1.0)));
    assert_string_equal(cc_error_last(), "load -1 < 0");
    assert_int_equal(cc__fail_count("bad"), -1);
    /* A caller may wrap the previous detail in the new one. */
    cc__fail(CC_EINVAL, "traffic must be >= 0");
    cc__fail(CC_EINVAL, "%s: %s", "erlang.c", cc_error_last());
    assert_string_equal(cc_error_last(), "erlang.c: traffic must be >= 0");
    cc_error_clear();
    assert_string_equal(cc_error_last(), "");
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_string_equal(cc_version(), CC_VERSION_STRING);
    assert_int_equal(cc_version_hex(), CC_VERSION_HEX);
    assert_true(CC_VERSION_HEX >= 0x00010000u);
}

static void allocator_hook_sees_library_allocations(void **state)
{
    (void)state;
    cc_test_alloc_fail_at(-1);
    char *s = cc__strdup("hello");
    assert_non_null(s);
    assert_int_equal(cc_test_alloc_count(), 1);
    assert_int_equal(cc_test_alloc_live(), 1);
    cc_free(s);
    assert_int_equal(cc_test_alloc_live(), 0);
    cc_test_alloc_reset();
    cc_set_allocator(NULL);
}

static void allocator_hook_injects_failure(void **state)
{
    (void)state;
    cc_test_alloc_fail_at(1);
    void *a = cc__malloc(10);
    void *b = cc__malloc(10);
    void *c = cc__malloc(10);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    assert_true(cc_test_alloc_failed());
    cc__free(a);
    cc__free(c);
    assert_int_equal(cc_test_alloc_live(), 0);
    cc_test_alloc_reset();
    cc_set_allocator(NULL);
}

static void grow_keeps_array_on_failure(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(cc__grow((void **)&items, &cap, 3, sizeof *items), 0);
    assert_true(cap >= 3);
    items[0] = 42;
    size_t old = cap;
    cc_test_alloc_fail_at(0);
    assert_int_equal(cc__grow((void **)&items, &cap, old + 1, sizeof *items), -1);
    cc_test_alloc_reset();
    cc_set_allocator(NULL);
    assert_int_equal(cap, old);
    assert_int_equal(items[0], 42);
    assert_int_equal(cc__grow((void **)&items, &cap, (size_t)-1, sizeof *items), -1);
    cc__free(items);
}

/* A scenario for the sweep: builds a JSON document; every allocation failure
 * must surface as a NULL result, never a crash or a leak. */
static int json_scenario(void *ctx)
{
    (void)ctx;
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    for (int i = 0; i < 200; i++) cc__json_kv_int(&j, "k", i);
    cc__json_object_end(&j);
    char *s = cc__json_take(&j);
    if (s && strncmp(s, "{\"k\":0,", 7) != 0) return 1;
    cc_free(s);
    return 0;
}

static void sweep_covers_every_failure_point(void **state)
{
    (void)state;
    long points = cc_test_alloc_sweep(json_scenario, NULL);
    assert_true(points >= 2); /* the buffer grew at least twice */
}

static void json_writer_round_trips_doubles(void **state)
{
    (void)state;
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_object_begin(&j);
    cc__json_kv_double(&j, "third", 1.0 / 3.0);
    cc__json_kv_double(&j, "nan", NAN);
    cc__json_kv_string(&j, "s", "a\"b\\c\n\x01");
    cc__json_key(&j, "list");
    cc__json_array_begin(&j);
    cc__json_int(&j, -3);
    cc__json_uint(&j, UINT64_MAX);
    cc__json_bool(&j, 1);
    cc__json_null(&j);
    cc__json_array_end(&j);
    cc__json_key(&j, "empty");
    cc__json_object_begin(&j);
    cc__json_object_end(&j);
    cc__json_object_end(&j);
    char *s = cc__json_take(&j);
    assert_non_null(s);
    assert_string_equal(s, "{\"third\":0.33333333333333331,\"nan\":null,"
                           "\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"list\":[-3,18446744073709551615,"
                           "true,null],\"empty\":{}}");
    assert_true(strtod(strstr(s, "0.333"), NULL) == 1.0 / 3.0);
    cc_free(s);
}

/* Names come from outside bytes: the JSON written must still be UTF-8. */
static void json_writer_replaces_invalid_utf8(void **state)
{
    (void)state;
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_array_begin(&j);
    cc__json_string(&j, "B\xfc" "cher"); /* Latin-1 */
    cc__json_string(&j, "caf\xc3\xa9 \xf0\x9f\x93\x9e"); /* valid: kept */
    cc__json_string(&j, "\xc0\xaf|\xed\xa0\x80|\xe2\x82"); /* overlong, surrogate, cut */
    cc__json_array_end(&j);
    char *s = cc__json_take(&j);
    assert_non_null(s);
    assert_string_equal(s, "[\"B\\ufffdcher\",\"caf\xc3\xa9 \xf0\x9f\x93\x9e\","
                           "\"\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"]");
    cc_free(s);
}

/* Sets LC_NUMERIC to a locale whose decimal point is a comma (de_DE), made with
 * localedef in the temporary directory dir[] (removed by the caller, "" when unused) when
 * the system has none. 0 when it could not. */
static int comma_locale(char dir[32])
{
    dir[0] = '\0';
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8")) return 0;
    char cmd[256];
    snprintf(dir, 32, "/tmp/cc-locale-XXXXXX");
    if (!mkdtemp(dir)) return dir[0] = '\0', -1;
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
    if (system(cmd) != 0) return -1;
    setenv("LOCPATH", dir, 1);
    return setlocale(LC_NUMERIC, "de_DE.UTF-8") ? 0 : -1;
}

static void remove_dir(const char *dir)
{
    char cmd[64];
    if (!dir[0]) return;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* The library's text formats keep '.' as the decimal point whatever LC_NUMERIC the
 * embedding program set (Python's locale.setlocale(LC_ALL, ""), Lua's os.setlocale):
 * under de_DE, strtod read "1.5" as 1 and "%.17g" wrote "1,5" into JSON and CSV. */
static void numbers_ignore_the_process_locale(void **state)
{
    (void)state;
    char dir[32];
    if (comma_locale(dir) != 0) {
        remove_dir(dir);
        skip();
    }
    char probe[16];
    snprintf(probe, sizeof probe, "%g", 1.5);
    assert_string_equal(probe, "1,5"); /* the locale is in effect */
    double v = 0;
    assert_int_equal(cc__span_double((cc__span){"1.5", 3}, &v), 0);
    assert_true(v == 1.5);
    cc__jv *doc = NULL;
    assert_int_equal(cc__json_parse("[2.25]", 6, &doc), CC_OK);
    assert_true(doc->items[0].number == 2.25);
    cc__jv_free(doc);
    cc__json j;
    cc__json_init(&j, 0);
    cc__json_array_begin(&j);
    cc__json_double(&j, 0.5);
    cc__json_array_end(&j);
    char *s = cc__json_take(&j);
    assert_string_equal(s, "[0.5]");
    cc_free(s);
    cc__snprintf(probe, sizeof probe, "%g", 1.5);
    assert_string_equal(probe, "1.5");
    setlocale(LC_NUMERIC, "C");
    remove_dir(dir);
}

/* Error details are text the caller shows or parses back ("got 1.5"): under de_DE the
 * detail of cc__fail said "got 1,5", whatever the library's formats promise. */
static void error_detail_ignores_the_process_locale(void **state)
{
    (void)state;
    char dir[32];
    if (comma_locale(dir) != 0) {
        remove_dir(dir);
        skip();
    }
    assert_int_equal(cc__fail(CC_EINVAL, "weight must be >= 0, got %g", -1.5), CC_EINVAL);
    setlocale(LC_NUMERIC, "C");
    remove_dir(dir);
    assert_string_equal(cc_error_last(), "weight must be >= 0, got -1.5");
}

static void event_names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(cc_event_type_name(CC_EVENT_CONTACT_OFFERED), "contact.offered");
    assert_string_equal(cc_event_type_name(9999), "unknown");
    assert_string_equal(cc_channel_name(CC_CHANNEL_CHAT), "chat");
    assert_int_equal(cc_channel_from_name("email"), CC_CHANNEL_EMAIL);
    assert_int_equal(cc_channel_from_name("fax"), CC_CHANNEL_NONE);
    assert_string_equal(cc_agent_state_name(CC_AGENT_WRAPUP), "wrapup");
    int terminals = 0;
    for (int t = 0; t < CC_EVENT__COUNT; t++) terminals += cc_event_is_terminal(t);
    assert_int_equal(terminals, 4);
    assert_true(cc_event_is_terminal(CC_EVENT_CONTACT_ABANDONED));
    assert_false(cc_event_is_terminal(CC_EVENT_CONTACT_CONNECTED));
}

/* Span compares follow strcmp order, and a span holding a NUL never equals
 * (nor reads past) a shorter text: the wire method lookup and the KPI name
 * table rely on both. */
static void span_compare_orders_like_strcmp(void **state)
{
    (void)state;
    const char *words[] = {"", "a", "agent.add", "agent.addx", "agent.remove", "b"};
    size_t n = sizeof words / sizeof words[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int want = strcmp(words[i], words[j]);
            int got = cc__span_cmp((cc__span){words[i], strlen(words[i])}, words[j]);
            assert_true((want < 0) == (got < 0) && (want > 0) == (got > 0));
        }
    static const char nul[] = "queue.list\0tail";
    cc__span s = {nul, sizeof nul - 1};
    assert_true(cc__span_cmp(s, "queue.list") > 0);
    assert_false(cc__span_is(s, "queue.list"));
    assert_true(cc__span_cmp((cc__span){"\xff", 1}, "a") > 0); /* bytes as unsigned */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_texts_are_distinct),
        cmocka_unit_test(detail_message_is_per_failure),
        cmocka_unit_test(version_matches_header),
        cmocka_unit_test(allocator_hook_sees_library_allocations),
        cmocka_unit_test(allocator_hook_injects_failure),
        cmocka_unit_test(grow_keeps_array_on_failure),
        cmocka_unit_test(sweep_covers_every_failure_point),
        cmocka_unit_test(json_writer_round_trips_doubles),
        cmocka_unit_test(json_writer_replaces_invalid_utf8),
        cmocka_unit_test(numbers_ignore_the_process_locale),
        cmocka_unit_test(error_detail_ignores_the_process_locale),
        cmocka_unit_test(event_names_are_stable),
        cmocka_unit_test(span_compare_orders_like_strcmp),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
