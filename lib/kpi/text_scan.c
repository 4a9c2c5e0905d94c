/*
 * lib/kpi/text_scan.c - field reading for the log importers (text_scan.h).
 */
#include "text_scan.h"

#include "kpi_limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t cc__span_split(const char *line, size_t len, char delim, cc__span *out, size_t max)
{
    size_t n = 0, start = 0;
    if (max == 0) return 0;
    for (size_t i = 0; i < len && n + 1 < max; i++) {
        if (line[i] == delim) {
            out[n].p = line + start;
            out[n].n = i - start;
            n++;
            start = i + 1;
        }
    }
    out[n].p = line + start;
    out[n].n = len - start;
    return n + 1;
}

static int cc__is_blank(char c)
{
    return c == ' ' || c == '\t';
}

size_t cc__span_split_blank(const char *line, size_t len, cc__span *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && cc__is_blank(line[i])) i++;
        if (i == len) break;
        size_t start = i;
        while (i < len && !cc__is_blank(line[i])) i++;
        if (n == max) return max + 1;
        out[n].p = line + start;
        out[n].n = i - start;
        n++;
    }
    return n;
}

int cc__span_seconds_ms(cc__span s, int64_t *ms)
{
    double v;
    if (cc__span_double(s, &v) != 0 || v < 0) return -1;
    if (v > (double)CC__KPI_MAX_MS / 1000) return CC__SCAN_BEYOND;
    *ms = (int64_t)llround(v * 1000.0);
    return 0;
}

/* Reads min..max decimal digits at s[*i], advancing *i. */
static int cc__read_digits(cc__span s, size_t *i, int min, int max, int64_t *out)
{
    int64_t v = 0;
    int n = 0;
    while (*i < s.n && n < max && s.p[*i] >= '0' && s.p[*i] <= '9') {
        v = v * 10 + (s.p[*i] - '0');
        (*i)++;
        n++;
    }
    if (n < min) return -1;
    *out = v;
    return 0;
}

int cc__span_clock(cc__span s, int64_t *seconds)
{
    size_t i = 0;
    int64_t h, m, sec;
    if (cc__read_digits(s, &i, 1, 2, &h) != 0 || i >= s.n || s.p[i++] != ':') return -1;
    if (cc__read_digits(s, &i, 2, 2, &m) != 0 || i >= s.n || s.p[i++] != ':') return -1;
    if (cc__read_digits(s, &i, 2, 2, &sec) != 0 || i != s.n) return -1;
    if (h > 47 || m > 59 || sec > 60) return -1;
    *seconds = h * 3600 + m * 60 + sec;
    return 0;
}

int cc__civil_days(int64_t y, int m, int d, int64_t *days)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap)) return -1;
    /* H. Hinnant's days_from_civil. */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = era * 146097 + doe - 719468;
    return 0;
}

int cc__span_timestamp_ms(cc__span s, int64_t *ms)
{
    s = cc__span_trim(s);
    if (s.n >= 10 && s.p[4] == '-') {
        size_t i = 0;
        int64_t y, mo, d, h = 0, mi = 0, sec = 0, days;
        if (cc__read_digits(s, &i, 4, 4, &y) || s.p[i++] != '-' ||
            cc__read_digits(s, &i, 2, 2, &mo) || i >= s.n || s.p[i++] != '-' ||
            cc__read_digits(s, &i, 2, 2, &d))
            return -1;
        if (i < s.n) {
            if (s.p[i] != ' ' && s.p[i] != 'T') return -1;
            i++;
            if (cc__read_digits(s, &i, 2, 2, &h) || i >= s.n || s.p[i++] != ':' ||
                cc__read_digits(s, &i, 2, 2, &mi) || i >= s.n || s.p[i++] != ':' ||
                cc__read_digits(s, &i, 2, 2, &sec))
                return -1;
            if (i < s.n && s.p[i] == 'Z') i++;
            if (i != s.n || h > 23 || mi > 59 || sec > 60) return -1;
        }
        if (cc__civil_days(y, (int)mo, (int)d, &days) != 0) return -1;
        *ms = ((days * 24 + h) * 60 + mi) * 60000 + sec * 1000;
        return 0;
    }
    double v;
    if (cc__span_double(s, &v) != 0) return -1;
    if (fabs(v) > (double)CC__KPI_MAX_MS / 1000) return CC__SCAN_BEYOND;
    *ms = (int64_t)llround(v * 1000.0);
    return 0;
}
