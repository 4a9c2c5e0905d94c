/*
 * tests/unit/wfm_csv.h - reading the reference CSVs of ../shared/data/wfm for the wfm tests.
 * A table is loaded whole (small files); cells are strings, looked up by header name.
 */
#ifndef CC_TEST_WFM_CSV_H
#define CC_TEST_WFM_CSV_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WFM_CSV_MAX_COLS 32

typedef struct wfm_csv {
    int ncols, nrows;
    char *header[WFM_CSV_MAX_COLS];
    char ***rows; /* rows[r][c] */
    char *text;
} wfm_csv;

/* Path of a file in $CALLCORE_DATA/<sub>, or NULL (and a TAP skip note) when absent. */
static inline const char *wfm_data_path(char *buf, size_t len, const char *sub)
{
    const char *dir = getenv("CALLCORE_DATA");
    if (!dir) return NULL;
    snprintf(buf, len, "%s/%s", dir, sub);
    FILE *f = fopen(buf, "rb");
    if (!f) return NULL;
    fclose(f);
    return buf;
}

/* Splits one line at commas, honouring double quotes; modifies the line in place. */
static inline int wfm_csv_split(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        if (*p == '"') {
            char *start = ++p;
            while (*p && *p != '"')
                p++;
            if (*p) *p++ = '\0';
            cells[n++] = start;
            while (*p && *p != ',')
                p++;
        } else {
            cells[n++] = p;
            while (*p && *p != ',')
                p++;
        }
        if (*p != ',') break;
        *p++ = '\0';
    }
    return n;
}

static inline int wfm_csv_load(wfm_csv *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    t->text = malloc((size_t)size + 1);
    if (!t->text || fread(t->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    fclose(f);
    t->text[size] = '\0';
    int lines = 0;
    for (long i = 0; i < size; i++)
        lines += t->text[i] == '\n';
    t->rows = calloc((size_t)lines + 1, sizeof *t->rows);
    char *save = NULL;
    char *line = strtok_r(t->text, "\r\n", &save);
    if (!line) return -1;
    t->ncols = wfm_csv_split(line, t->header, WFM_CSV_MAX_COLS);
    while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
        char **cells = calloc(WFM_CSV_MAX_COLS, sizeof *cells);
        int n = wfm_csv_split(line, cells, WFM_CSV_MAX_COLS);
        if (n != t->ncols) {
            free(cells);
            continue;
        }
        t->rows[t->nrows++] = cells;
    }
    return 0;
}

static inline int wfm_csv_col(const wfm_csv *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->header[c], name) == 0) return c;
    fprintf(stderr, "column %s missing\n", name);
    abort();
}

static inline double wfm_csv_num(const wfm_csv *t, int row, const char *name)
{
    return strtod(t->rows[row][wfm_csv_col(t, name)], NULL);
}

static inline void wfm_csv_free(wfm_csv *t)
{
    for (int r = 0; r < t->nrows; r++)
        free(t->rows[r]);
    free(t->rows);
    free(t->text);
}

/* Loads $CALLCORE_DATA/<file> into t and returns 0, or prints a TAP skip note and returns -1
 * when the data is absent (the caller then skips its checks); a present file that does not
 * load fails the test. Uses cmocka: include <cmocka.h> before this header. */
static inline int wfm_csv_load_or_skip(wfm_csv *t, const char *file)
{
    memset(t, 0, sizeof *t); /* an empty table on the skip path too (free-safe) */
    char buf[1024];
    const char *path = wfm_data_path(buf, sizeof buf, file);
    if (!path) {
        print_message("# CALLCORE_DATA not set or %s absent: skipping\n", file);
        return -1;
    }
    assert_int_equal(wfm_csv_load(t, path), 0);
    return 0;
}

/* Relative error, with an absolute floor for reference values that are exactly 0. */
static inline double wfm_rel_err(double got, double want)
{
    if (want == 0.0) return got == 0.0 ? 0.0 : fabs(got) / 1e-300;
    return fabs(got - want) / fabs(want);
}

#endif
