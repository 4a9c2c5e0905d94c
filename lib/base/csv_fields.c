/*
 * lib/base/csv_fields.c - one CSV record split into fields (csv_fields.h).
 */
#include "csv_fields.h"

#include "mem.h"

int cc__csv_split(cc__csv_fields *f, const char *line, size_t len, char delim, cc__span *out,
                  size_t max)
{
    /* Unquoted text is never longer than the line, so one grow covers the line. */
    if (cc__grow((void **)&f->buf, &f->cap, len + 1, 1) != 0) return CC__CSV_ENOMEM;
    size_t at = 0, i = 0, n = 0;
    for (;;) {
        if (n == max) return CC__CSV_ETOOMANY;
        size_t start = at;
        if (i < len && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) return CC__CSV_EQUOTE;
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        f->buf[at++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                f->buf[at++] = line[i++];
            }
            if (i < len && line[i] != delim) return CC__CSV_EQUOTE;
        } else {
            /* A quote may only open a field: in unquoted text it means the writer
             * forgot to quote (`a, "b, c"` would split inside the quotes and shift
             * every later field), so the line is refused rather than misread. */
            while (i < len && line[i] != delim) {
                if (line[i] == '"') return CC__CSV_EQUOTE;
                f->buf[at++] = line[i++];
            }
        }
        out[n].p = f->buf + start;
        out[n].n = at - start;
        n++;
        if (i >= len) break;
        i++; /* the delimiter */
    }
    return (int)n;
}

void cc__csv_fields_free(cc__csv_fields *f)
{
    cc__free(f->buf);
    f->buf = NULL;
    f->cap = 0;
}
