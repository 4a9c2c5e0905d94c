/*
 * tests/unit/test_wfm_csv.c - the WFM CSV readers (forecast.h cc_volume_series_*, schedule.h
 * cc_interval_requirements_* and cc_shift_table_*) and the CSV field splitter they share with
 * the KPI importer (lib/base/csv_fields.h): good files, every malformed case with its line
 * number, files on disk, allocation failures, random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/csv_fields.h"
#include "callcore/callcore.h"
#include "support/alloc_fail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------ */

static cc_volume_series *series_ok(const char *text, const cc_series_csv_options *o)
{
    cc_volume_series *s = NULL;
    cc_status st = cc_volume_series_parse_csv(&s, text, strlen(text), o);
    if (st) fail_msg("unexpected %s: %s", cc_status_name(st), cc_error_last());
    return s;
}

/* Parses text expecting `want` and a detail message containing `needle`. */
static void series_fails(const char *text, const cc_series_csv_options *o, cc_status want,
                         const char *needle)
{
    cc_volume_series *s = (cc_volume_series *)&s; /* must be reset to NULL */
    cc_status st = cc_volume_series_parse_csv(&s, text, strlen(text), o);
    if (st != want || !strstr(cc_error_last(), needle))
        fail_msg("'%s': got %s '%s', want %s with '%s'", text, cc_status_name(st), cc_error_last(),
                 cc_status_name(want), needle);
    assert_null(s);
}

static void requirements_fail(const char *text, const char *needle)
{
    cc_interval_requirements *q = (cc_interval_requirements *)&q;
    cc_status st = cc_interval_requirements_parse_csv(&q, text, strlen(text));
    if (st != CC_EPARSE || !strstr(cc_error_last(), needle))
        fail_msg("'%s': got %s '%s', want CC_EPARSE with '%s'", text, cc_status_name(st),
                 cc_error_last(), needle);
    assert_null(q);
}

static void shifts_fail(const char *text, const char *needle)
{
    cc_shift_table *t = (cc_shift_table *)&t;
    cc_status st = cc_shift_table_parse_csv(&t, text, strlen(text));
    if (st != CC_EPARSE || !strstr(cc_error_last(), needle))
        fail_msg("'%s': got %s '%s', want CC_EPARSE with '%s'", text, cc_status_name(st),
                 cc_error_last(), needle);
    assert_null(t);
}

/* Writes text to a fresh temporary file; the path is in buf. */
static void temp_file(char *buf, size_t len, const char *text)
{
    snprintf(buf, len, "/tmp/test_wfm_csv_XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

/* ---- the shared field splitter ----------------------------------------------------- */

static void csv_split_fields(void **state)
{
    (void)state;
    cc__csv_fields f = {0};
    cc__span out[4];
    const char *line = "a,\"b,c\",\"say \"\"hi\"\"\",";
    assert_int_equal(cc__csv_split(&f, line, strlen(line), ',', out, 4), 4);
    assert_true(cc__span_is(out[0], "a"));
    assert_true(cc__span_is(out[1], "b,c"));
    assert_true(cc__span_is(out[2], "say \"hi\""));
    assert_true(cc__span_is(out[3], ""));
    assert_int_equal(cc__csv_split(&f, "", 0, ',', out, 4), 1); /* one empty field */
    assert_int_equal(out[0].n, 0);
    assert_int_equal(cc__csv_split(&f, "a;b", 3, ';', out, 4), 2);
    assert_int_equal(cc__csv_split(&f, "a,b,c,d,e", 9, ',', out, 4), CC__CSV_ETOOMANY);
    assert_int_equal(cc__csv_split(&f, "\"open", 5, ',', out, 4), CC__CSV_EQUOTE);
    assert_int_equal(cc__csv_split(&f, "\"a\"b,c", 6, ',', out, 4), CC__CSV_EQUOTE);
    /* a quote not opening its field: an unquoted field with a comma in quotes after a
     * space would otherwise split inside the quotes */
    assert_int_equal(cc__csv_split(&f, "1, \"b, c\"", 9, ',', out, 4), CC__CSV_EQUOTE);
    assert_int_equal(cc__csv_split(&f, "a\"b", 3, ',', out, 4), CC__CSV_EQUOTE);
    const char nul[] = {'x', '\0', 'y', ',', 'z'}; /* any byte is data */
    assert_int_equal(cc__csv_split(&f, nul, sizeof nul, ',', out, 4), 2);
    assert_int_equal(out[0].n, 3);
    cc__csv_fields_free(&f);
    assert_null(f.buf);
}

/* ---- series --------------------------------------------------------------------------- */

static void series_weekdays_and_period(void **state)
{
    (void)state;
    /* Mon 2003-03-03 and Tue, two intervals a day; quoted dates; CRLF; comment and blank
     * lines; no break after the last line. */
    const char *text = "# exported counts\r\n"
                       "rownames,DateTime,Calls\r\n"
                       "1,2003-03-03T07:00:00Z,111\r\n"
                       "\r\n"
                       "2,\"2003-03-03T07:05:00Z\",113\r\n"
                       "  \t\r\n"
                       "3,2003-03-04T07:00:00Z, 90 \r\n"
                       "4,2003-03-04T07:05:00Z,0.5";
    cc_volume_series *s = series_ok(text, NULL);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_int_equal(n, 4);
    assert_true(v[0] == 111 && v[1] == 113 && v[2] == 90 && v[3] == 0.5);
    assert_int_equal(cc_volume_series_period(s), 2);
    assert_int_equal(cc_volume_series_week_days(s), 5);
    cc_volume_series_free(s);
}

static void series_weekend_makes_seven_days(void **state)
{
    (void)state;
    /* 2023-01-07 is a Saturday. */
    cc_volume_series *s = series_ok("day,volume,other\n2023-01-06,5,9\n2023-01-07,6,9\n", NULL);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_int_equal(n, 2);
    assert_true(v[0] == 5 && v[1] == 6); /* "volume" beats the last column */
    assert_int_equal(cc_volume_series_period(s), 1);
    assert_int_equal(cc_volume_series_week_days(s), 7);
    cc_volume_series_free(s);
}

static void series_without_dates(void **state)
{
    (void)state;
    cc_volume_series *s = series_ok("a,b\n1,2\n3,4\n", NULL);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_int_equal(n, 2);
    assert_true(v[0] == 2 && v[1] == 4); /* no known name: the last column */
    assert_int_equal(cc_volume_series_period(s), 0);
    assert_int_equal(cc_volume_series_week_days(s), 0);
    cc_volume_series_free(s);
    /* A date-looking text that is not a date (month 13, no separator) is no calendar. */
    s = series_ok("d,calls\n2023-13-01,1\n", NULL);
    assert_int_equal(cc_volume_series_period(s), 0);
    cc_volume_series_free(s);
    s = series_ok("d,calls\n2023-01-01x,1\n", NULL);
    assert_int_equal(cc_volume_series_week_days(s), 0);
    cc_volume_series_free(s);
    /* Nor is a day the month does not have; 29 February is one in a leap year only
     * (2024-02-29 is a Thursday; 2000 leaps, 1900 does not). */
    s = series_ok("d,calls\n2003-02-30,1\n", NULL);
    assert_int_equal(cc_volume_series_period(s), 0);
    cc_volume_series_free(s);
    s = series_ok("d,calls\n2023-02-29,1\n2023-04-31,1\n1900-02-29,1\n", NULL);
    assert_int_equal(cc_volume_series_week_days(s), 0);
    cc_volume_series_free(s);
    s = series_ok("d,calls\n2024-02-29,1\n2000-02-29,1\n", NULL);
    assert_int_equal(cc_volume_series_period(s), 1);
    assert_int_equal(cc_volume_series_week_days(s), 5); /* a Thursday and a Tuesday */
    cc_volume_series_free(s);
}

/* A UTF-8 byte order mark before the header (what spreadsheets export) is not part of
 * the first column's name. */
static void csv_byte_order_mark(void **state)
{
    (void)state;
    cc_series_csv_options o = CC_SERIES_CSV_OPTIONS_INIT;
    o.value_column = "Calls";
    cc_volume_series *s = series_ok("\xEF\xBB\xBF" "Calls,other\n7,1\n", &o);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_true(n == 1 && v[0] == 7);
    cc_volume_series_free(s);
    const char *text = "\xEF\xBB\xBF" "required\n3\n";
    cc_interval_requirements *q;
    assert_int_equal(cc_interval_requirements_parse_csv(&q, text, strlen(text)), CC_OK);
    assert_int_equal(cc_interval_requirements_required(q)[0], 3);
    cc_interval_requirements_free(q);
}

static void series_value_column_option(void **state)
{
    (void)state;
    cc_series_csv_options o = CC_SERIES_CSV_OPTIONS_INIT;
    o.value_column = "arrivals";
    cc_volume_series *s = series_ok("arrivals,handled\n7,6\n8,8\n", &o);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_true(n == 2 && v[0] == 7 && v[1] == 8);
    cc_volume_series_free(s);
    o.value_column = "offered";
    series_fails("arrivals,handled\n7,6\n", &o, CC_EPARSE, "no column 'offered'");
    /* ABI of version 1: members are only appended. */
    assert_int_equal(sizeof(cc_series_csv_options), 2 * sizeof(void *));
    assert_int_equal(offsetof(cc_series_csv_options, value_column), sizeof(void *));
    o.value_column = NULL;
    o.version = 99;
    series_fails("a\n1\n", &o, CC_EVERSION, "version 99");
}

static void series_malformed(void **state)
{
    (void)state;
    series_fails("", NULL, CC_EPARSE, "no header line");
    series_fails("# only a comment\n\n", NULL, CC_EPARSE, "no header line");
    series_fails("time,calls\n", NULL, CC_EPARSE, "no data rows");
    series_fails("time,calls\n1,2\n3\n", NULL, CC_EPARSE, "line 3: expected 2 fields");
    series_fails("time,calls\n1,2\n\n# c\n3,4,5\n", NULL, CC_EPARSE, "line 5: expected 2 fields");
    series_fails("time,calls\n1,x\n", NULL, CC_EPARSE, "line 2: 'x' is not a volume in [0, 1e+15]");
    /* above what the forecaster fits (CC_FORECAST_MAX_VOLUME): refused here, with its line */
    series_fails("time,calls\n1,5\n2,1166666666666662\n", NULL, CC_EPARSE,
                 "line 3: '1166666666666662' is not a volume");
    series_fails("time,calls\n1,-1\n", NULL, CC_EPARSE, "line 2: '-1' is not a volume");
    series_fails("time,calls\n1,\n", NULL, CC_EPARSE, "line 2: '' is not a volume");
    series_fails("time,calls\n1,inf\n", NULL, CC_EPARSE, "line 2:");
    series_fails("time,calls\n1,nan\n", NULL, CC_EPARSE, "line 2:");
    series_fails("time,calls\n1,0x10\n", NULL, CC_EPARSE, "line 2:");
    series_fails("time,calls\n1,1e999\n", NULL, CC_EPARSE, "line 2:");
    series_fails("time,calls\n1,\"2\n", NULL, CC_EPARSE, "line 2: unterminated quote");
    series_fails("time,\"calls\"x\n1,2\n", NULL, CC_EPARSE, "line 1: unterminated quote");
    char wide[600] = "";
    for (int i = 0; i < 260; i++)
        strcat(wide, "a,");
    strcat(wide, "b\n");
    series_fails(wide, NULL, CC_EPARSE, "line 1: more than 256 fields");
    /* A long junk cell is quoted only in part: the message stays short. */
    char junk[300] = "c\n";
    memset(junk + 2, 'z', 250);
    junk[252] = '\0';
    char needle[64] = "line 2: '";
    memset(needle + strlen(needle), 'z', 40);
    strcpy(needle + 9 + 40, "' is not");
    series_fails(junk, NULL, CC_EPARSE, needle);
    assert_true(strlen(cc_error_last()) < 100);
}

static void series_contracts(void **state)
{
    (void)state;
    cc_volume_series *s;
    assert_int_equal(cc_volume_series_parse_csv(NULL, "a\n1\n", 4, NULL), CC_EINVAL);
    assert_int_equal(cc_volume_series_parse_csv(&s, NULL, 4, NULL), CC_EINVAL);
    assert_int_equal(cc_volume_series_parse_csv(&s, NULL, 0, NULL), CC_EPARSE); /* empty */
    assert_int_equal(cc_volume_series_load_csv(&s, NULL, NULL), CC_EINVAL);
    /* text need not be NUL-terminated: only len bytes are read. */
    const char text[] = {'c', '\n', '4', '2', '9'};
    assert_int_equal(cc_volume_series_parse_csv(&s, text, 4, NULL), CC_OK);
    size_t n;
    assert_true(cc_volume_series_values(s, &n)[0] == 42 && n == 1);
    cc_volume_series_free(s);
    cc_volume_series_free(NULL);
    assert_null(cc_volume_series_values(NULL, &n));
    assert_int_equal(n, 0);
    assert_int_equal(cc_volume_series_period(NULL), 0);
}

static void series_files(void **state)
{
    (void)state;
    char path[64];
    temp_file(path, sizeof path, "t,calls\n2024-05-06 08:00,3\n2024-05-06 08:15,x\n");
    cc_volume_series *s;
    assert_int_equal(cc_volume_series_load_csv(&s, path, NULL), CC_EPARSE);
    char want[96];
    snprintf(want, sizeof want, "%s:3: 'x' is not a volume", path);
    assert_non_null(strstr(cc_error_last(), want));
    unlink(path);
    assert_int_equal(cc_volume_series_load_csv(&s, path, NULL), CC_EIO);
    assert_non_null(strstr(cc_error_last(), "cannot open"));
    assert_int_equal(cc_volume_series_load_csv(&s, "/", NULL), CC_EIO); /* a directory */

    const char *dir = getenv("CALLCORE_DATA");
    char bank[512];
    snprintf(bank, sizeof bank, "%s/bank-calls-2003/bank_calls.csv", dir ? dir : "");
    if (!dir || access(bank, R_OK) != 0) {
        print_message("# skip the 2003 bank file: CALLCORE_DATA/bank-calls-2003 absent\n");
        return;
    }
    assert_int_equal(cc_volume_series_load_csv(&s, bank, NULL), CC_OK);
    size_t n;
    const double *v = cc_volume_series_values(s, &n);
    assert_int_equal(n, 164 * 169); /* 164 weekdays of 169 five-minute intervals */
    assert_true(v[0] == 111 && v[1] == 113);
    assert_int_equal(cc_volume_series_period(s), 169);
    assert_int_equal(cc_volume_series_week_days(s), 5);
    cc_volume_series_free(s);
}

/* ---- requirements -------------------------------------------------------------------- */

static void requirements_good(void **state)
{
    (void)state;
    /* As examples/data/schedule_requirements.csv: comments, a text column, traffic. */
    const char *text = "# A weekday\n"
                       "time,calls,required,traffic\n"
                       "07:00,45,16,12\n"
                       "07:15,48,17,12.8\n"
                       "07:30,0,0,0\n";
    cc_interval_requirements *q;
    assert_int_equal(cc_interval_requirements_parse_csv(&q, text, strlen(text)), CC_OK);
    assert_int_equal(cc_interval_requirements_count(q), 3);
    const int *r = cc_interval_requirements_required(q);
    const double *t = cc_interval_requirements_traffic(q);
    assert_true(r[0] == 16 && r[1] == 17 && r[2] == 0);
    assert_non_null(t);
    assert_true(t[0] == 12 && t[1] == 12.8 && t[2] == 0);
    cc_interval_requirements_free(q);

    const char *plain = "required\n3\n4.0\n1e1\n";
    assert_int_equal(cc_interval_requirements_parse_csv(&q, plain, strlen(plain)), CC_OK);
    assert_int_equal(cc_interval_requirements_count(q), 3);
    r = cc_interval_requirements_required(q);
    assert_true(r[0] == 3 && r[1] == 4 && r[2] == 10);
    assert_null(cc_interval_requirements_traffic(q));
    cc_interval_requirements_free(q);
    cc_interval_requirements_free(NULL);
    assert_int_equal(cc_interval_requirements_count(NULL), 0);
}

static void requirements_malformed(void **state)
{
    (void)state;
    requirements_fail("need\n1\n", "missing column 'required'");
    requirements_fail("required\n", "no data rows");
    requirements_fail("required\n1\n1.5\n", "line 3: 'required' must be a whole number, got '1.5'");
    requirements_fail("required\n\n", "no data rows"); /* a blank line is no row */
    requirements_fail("required,x\n1,\n2\n", "line 3: expected 2 fields");
    requirements_fail("required,x\n,1\n", "line 2: 'required' must be a whole number, got ''");
    requirements_fail("required\n-2\n", "line 2: 'required' must be >= 0, got -2");
    requirements_fail("required\n2e9\n", "line 2: 'required' must be a whole number");
    requirements_fail("required,traffic\n1,0.5\n2,x\n", "line 3: 'traffic' must be a number >= 0");
    requirements_fail("required,traffic\n1,-0.5\n", "line 2: 'traffic' must be a number >= 0");
    cc_interval_requirements *q;
    assert_int_equal(cc_interval_requirements_parse_csv(NULL, "a", 1), CC_EINVAL);
    assert_int_equal(cc_interval_requirements_parse_csv(&q, NULL, 1), CC_EINVAL);
    assert_int_equal(cc_interval_requirements_load_csv(&q, NULL), CC_EINVAL);
    assert_int_equal(cc_interval_requirements_load_csv(&q, "/nonexistent/req.csv"), CC_EIO);
}

/* ---- shift templates -------------------------------------------------------------- */

static const char example_shifts[] =
    "# Shift templates in 15-minute intervals from 07:00 (56 intervals).\n"
    "name,start_first,start_last,start_step,length,break_earliest,break_latest,break_length,"
    "cost\n"
    "full,0,24,2,32,12,20,2,8\n"
    "part,0,40,1,16,0,0,0,4.4\n"
    "\"late, evening\",20,32,4,24,8,16,1,6.0\n";

static void shifts_good(void **state)
{
    (void)state;
    cc_shift_table *t;
    assert_int_equal(cc_shift_table_parse_csv(&t, example_shifts, strlen(example_shifts)), CC_OK);
    size_t n;
    const cc_shift_template *s = cc_shift_table_templates(t, &n);
    assert_int_equal(n, 3);
    assert_true(s[0].start_first == 0 && s[0].start_last == 24 && s[0].start_step == 2 &&
                s[0].length == 32 && s[0].break_earliest == 12 && s[0].break_latest == 20 &&
                s[0].break_length == 2 && s[0].cost == 8);
    assert_true(s[1].length == 16 && s[1].break_length == 0 && s[1].cost == 4.4);
    assert_true(s[2].start_first == 20 && s[2].start_step == 4 && s[2].cost == 6);
    assert_string_equal(cc_shift_table_name(t, 0), "full");
    assert_string_equal(cc_shift_table_name(t, 2), "late, evening");
    assert_null(cc_shift_table_name(t, 3));
    cc_shift_table_free(t);

    /* Optional columns absent or empty are 0; no name column gives "". */
    const char *min = "cost,length,start_last,start_first,break_length\n2,4,10,0,\n3.5,8,2,2,1\n";
    assert_int_equal(cc_shift_table_parse_csv(&t, min, strlen(min)), CC_OK);
    s = cc_shift_table_templates(t, &n);
    assert_int_equal(n, 2);
    assert_true(s[0].start_first == 0 && s[0].start_last == 10 && s[0].length == 4 &&
                s[0].start_step == 0 && s[0].break_length == 0 && s[0].cost == 2);
    assert_true(s[1].break_length == 1 && s[1].cost == 3.5);
    assert_string_equal(cc_shift_table_name(t, 1), "");
    cc_shift_table_free(t);
    cc_shift_table_free(NULL);
    assert_null(cc_shift_table_templates(NULL, &n));
    assert_int_equal(n, 0);
}

static void shifts_malformed(void **state)
{
    (void)state;
    shifts_fail("start_last,length,cost\n1,2,3\n", "missing column 'start_first'");
    shifts_fail("start_first,length,cost\n1,2,3\n", "missing column 'start_last'");
    shifts_fail("start_first,start_last,cost\n1,2,3\n", "missing column 'length'");
    shifts_fail("start_first,start_last,length\n1,2,3\n", "missing column 'cost'");
    shifts_fail("start_first,start_last,length,cost\n", "no data rows");
    const char *head = "name,start_first,start_last,length,cost,break_length\n";
    char text[256];
    snprintf(text, sizeof text, "%sa,0,0,2,1,0\nb,0,0,2.5,1,0\n", head);
    shifts_fail(text, "line 3: 'length' must be a whole number, got '2.5'");
    snprintf(text, sizeof text, "%sa,0,0,2,abc,0\n", head);
    shifts_fail(text, "line 2: 'cost' must be a number, got 'abc'");
    snprintf(text, sizeof text, "%sa,0,0,2,,0\n", head);
    shifts_fail(text, "line 2: 'cost' must be a number, got ''");
    snprintf(text, sizeof text, "%sa,,0,2,1,0\n", head);
    shifts_fail(text, "line 2: 'start_first' must be a whole number, got ''");
    snprintf(text, sizeof text, "%sa,0,1e10,2,1,0\n", head);
    shifts_fail(text, "line 2: 'start_last' must be a whole number");
    snprintf(text, sizeof text, "%sa,0,0,2,1,x\n", head);
    shifts_fail(text, "line 2: 'break_length' must be a whole number, got 'x'");
    snprintf(text, sizeof text, "%sa,0,0,2,1\n", head);
    shifts_fail(text, "line 2: expected 6 fields as in the header, got 5");
    snprintf(text, sizeof text, "%s\"a,0,0,2,1,0\n", head);
    shifts_fail(text, "line 2: unterminated quote");
    cc_shift_table *t;
    assert_int_equal(cc_shift_table_parse_csv(NULL, "a", 1), CC_EINVAL);
    assert_int_equal(cc_shift_table_load_csv(&t, NULL), CC_EINVAL);
}

/* The files on disk feed cc_schedule_solve directly, and a bad line names the file. */
static void schedule_files(void **state)
{
    (void)state;
    char rpath[64], spath[64];
    temp_file(rpath, sizeof rpath, "required,traffic\n1,0.2\n2,1.1\n2,1.2\n1,0.3\n");
    temp_file(spath, sizeof spath,
              "name,start_first,start_last,length,cost\nfour,0,0,4,4\n"
              "two,0,2,2,2.5\n");
    cc_interval_requirements *q;
    cc_shift_table *t;
    assert_int_equal(cc_interval_requirements_load_csv(&q, rpath), CC_OK);
    assert_int_equal(cc_shift_table_load_csv(&t, spath), CC_OK);
    size_t nt;
    const cc_shift_template *tpl = cc_shift_table_templates(t, &nt);
    cc_schedule *s;
    cc_status st = cc_schedule_solve(&s, NULL, cc_interval_requirements_required(q),
                                     cc_interval_requirements_traffic(q),
                                     cc_interval_requirements_count(q), tpl, nt);
    if (st == CC_EUNSUPPORTED) {
        print_message("# skip the solve: built without CBC\n");
    } else {
        assert_int_equal(st, CC_OK);
        /* One four-hour shift (4) and one two-hour shift at 1 (2.5) beat the rest. */
        assert_true(cc_schedule_cost(s) == 6.5);
        cc_schedule_free(s);
    }
    cc_interval_requirements_free(q);
    cc_shift_table_free(t);
    unlink(rpath);
    temp_file(rpath, sizeof rpath, "required\n1\n\n1.25\n");
    assert_int_equal(cc_interval_requirements_load_csv(&q, rpath), CC_EPARSE);
    char want[96];
    snprintf(want, sizeof want, "%s:4: 'required'", rpath);
    assert_non_null(strstr(cc_error_last(), want));
    unlink(rpath);
    unlink(spath);
}

/* ---- allocation failures ------------------------------------------------------------ */

/* Enough rows that every array grows several times. */
static char *many_rows(const char *header, const char *row, int count)
{
    size_t len = strlen(header) + (size_t)count * strlen(row) + 1;
    char *text = malloc(len);
    strcpy(text, header);
    for (int i = 0; i < count; i++)
        strcat(text, row);
    return text;
}

static int series_scenario(void *ctx)
{
    cc_volume_series *s = NULL;
    cc_status st = cc_volume_series_parse_csv(&s, ctx, strlen(ctx), NULL);
    if (st == CC_ENOMEM) return s != NULL;
    if (st != CC_OK) return 1;
    size_t n;
    cc_volume_series_values(s, &n);
    cc_volume_series_free(s);
    return n == 300 ? 0 : 1;
}

static int requirements_scenario(void *ctx)
{
    cc_interval_requirements *q = NULL;
    cc_status st = cc_interval_requirements_parse_csv(&q, ctx, strlen(ctx));
    if (st == CC_ENOMEM) return q != NULL;
    if (st != CC_OK) return 1;
    size_t n = cc_interval_requirements_count(q);
    cc_interval_requirements_free(q);
    return n == 300 ? 0 : 1;
}

static int shifts_scenario(void *ctx)
{
    cc_shift_table *t = NULL;
    cc_status st = cc_shift_table_parse_csv(&t, ctx, strlen(ctx));
    if (st == CC_ENOMEM) return t != NULL;
    if (st != CC_OK) return 1;
    size_t n;
    cc_shift_table_templates(t, &n);
    cc_shift_table_free(t);
    return n == 300 ? 0 : 1;
}

static int load_scenario(void *ctx)
{
    cc_volume_series *s = NULL;
    cc_status st = cc_volume_series_load_csv(&s, ctx, NULL);
    if (st == CC_ENOMEM) return s != NULL;
    if (st != CC_OK) return 1;
    cc_volume_series_free(s);
    return 0;
}

static void allocation_failures_are_clean(void **state)
{
    (void)state;
    char *text = many_rows("when,calls\n", "2024-05-06 08:00,3\n", 300);
    assert_true(cc_test_alloc_sweep(series_scenario, text) >= 8);
    free(text);
    text = many_rows("required,traffic\n", "4,2.5\n", 300);
    assert_true(cc_test_alloc_sweep(requirements_scenario, text) >= 10);
    free(text);
    text = many_rows("name,start_first,start_last,length,cost\n", "early,0,4,8,8\n", 300);
    assert_true(cc_test_alloc_sweep(shifts_scenario, text) >= 300); /* a name per row */
    free(text);
    char path[64];
    temp_file(path, sizeof path, "calls\n1\n2\n");
    assert_true(cc_test_alloc_sweep(load_scenario, path) >= 3);
    unlink(path);
}

/* ---- random bytes --------------------------------------------------------------------- */

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t rnd(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 2685821657736338717ull;
}

/* Mutated good files: every reader returns CC_OK or CC_EPARSE with a message, never more. */
static void random_bytes_are_refused_cleanly(void **state)
{
    (void)state;
    static const char *seeds[] = {
        "rownames,DateTime,Calls\n1,2003-03-03T07:00:00Z,111\n2,2003-03-03T07:05:00Z,113\n",
        "time,calls,required,traffic\n07:00,45,16,12\n07:15,48,17,12.8\n", example_shifts};
    static const char alphabet[] = "0123456789,,\"\n\r#-.eE x";
    uint64_t x = 0x9e3779b97f4a7c15ull;
    char buf[512];
    for (int iter = 0; iter < 6000; iter++) {
        const char *seed = seeds[iter % 3];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + (int)(rnd(&x) % 6);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(rnd(&x) % n);
            buf[at] =
                (rnd(&x) & 1) ? (char)(rnd(&x) & 0xff) : alphabet[rnd(&x) % (sizeof alphabet - 1)];
        }
        size_t len = (size_t)(rnd(&x) % (n + 1));
        cc_volume_series *s;
        cc_interval_requirements *q;
        cc_shift_table *t;
        cc_status st[3] = {cc_volume_series_parse_csv(&s, buf, len, NULL),
                           cc_interval_requirements_parse_csv(&q, buf, len),
                           cc_shift_table_parse_csv(&t, buf, len)};
        for (int k = 0; k < 3; k++) {
            if (st[k] != CC_OK && st[k] != CC_EPARSE)
                fail_msg("iteration %d reader %d: %s", iter, k, cc_status_name(st[k]));
            if (st[k] == CC_EPARSE) assert_true(cc_error_last()[0] != '\0');
        }
        if (!st[0]) {
            size_t m;
            const double *v = cc_volume_series_values(s, &m);
            for (size_t i = 0; i < m; i++)
                assert_true(v[i] >= 0);
        }
        if (!st[1]) {
            const int *r = cc_interval_requirements_required(q);
            for (size_t i = 0; i < cc_interval_requirements_count(q); i++)
                assert_true(r[i] >= 0);
        }
        cc_volume_series_free(st[0] ? NULL : s);
        cc_interval_requirements_free(st[1] ? NULL : q);
        cc_shift_table_free(st[2] ? NULL : t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_split_fields),
        cmocka_unit_test(series_weekdays_and_period),
        cmocka_unit_test(csv_byte_order_mark),
        cmocka_unit_test(series_weekend_makes_seven_days),
        cmocka_unit_test(series_without_dates),
        cmocka_unit_test(series_value_column_option),
        cmocka_unit_test(series_malformed),
        cmocka_unit_test(series_contracts),
        cmocka_unit_test(series_files),
        cmocka_unit_test(requirements_good),
        cmocka_unit_test(requirements_malformed),
        cmocka_unit_test(shifts_good),
        cmocka_unit_test(shifts_malformed),
        cmocka_unit_test(schedule_files),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(random_bytes_are_refused_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
