/*
 * examples/cli/svg_chart.c - line charts as SVG (see svg_chart.h).
 */
#include "svg_chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#define SVG_W 960.0
#define SVG_PANEL_H 220.0
#define SVG_LEFT 70.0
#define SVG_RIGHT 170.0 /* room for the legend */
#define SVG_TOP 50.0
#define SVG_GAP 50.0

/* A "nice" tick step (1, 2 or 5 x 10^k) giving about 5 ticks over range. */
static double svg_tick_step(double range)
{
    if (!(range > 0)) return 1;
    double raw = range / 5.0;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void svg_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void svg_panel_range(const svg_panel *p, size_t n, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t s = 0; s < p->nseries; s++)
        for (size_t i = 0; i < n; i++) {
            double v = p->series[s].y[i];
            if (!isfinite(v)) continue;
            if (v < a) a = v;
            if (v > b) b = v;
        }
    if (!isfinite(a)) a = 0, b = 1;
    if (a > 0) a = 0;
    if (!isnan(p->ymin)) a = p->ymin;
    if (!isnan(p->ymax)) b = p->ymax;
    if (b <= a) b = a + 1;
    double step = svg_tick_step(b - a);
    *lo = floor(a / step) * step;
    *hi = ceil(b / step) * step;
}

static void svg_write_panel(FILE *f, const svg_panel *p, double top, const char *const *xlabels,
                            size_t n)
{
    double plot_w = SVG_W - SVG_LEFT - SVG_RIGHT;
    double lo, hi;
    svg_panel_range(p, n, &lo, &hi);
    double step = svg_tick_step(hi - lo);
#define SVG_X(i) (SVG_LEFT + (n > 1 ? plot_w * (double)(i) / (double)(n - 1) : plot_w / 2))
#define SVG_Y(v) (top + SVG_PANEL_H - SVG_PANEL_H * ((v) - lo) / (hi - lo))
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" font-weight=\"bold\">", SVG_LEFT,
            top - 8);
    svg_escape(f, p->title);
    fputs("</text>\n", f);
    for (double v = lo; v <= hi + step / 2; v += step) {
        double y = SVG_Y(v);
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
                SVG_LEFT, y, SVG_LEFT + plot_w, y, SVG_LEFT - 6, y + 4);
        if (p->percent) fprintf(f, "%g%%", round(v * 1000) / 10);
        else fprintf(f, "%g", v);
        fputs("</text>\n", f);
    }
    size_t every = n > 12 ? (n + 11) / 12 : 1;
    for (size_t i = 0; i < n; i += every) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">",
                SVG_X(i), top + SVG_PANEL_H + 14);
        svg_escape(f, xlabels[i]);
        fputs("</text>\n", f);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"#888\"/>\n",
            SVG_LEFT, top, plot_w, SVG_PANEL_H);
    for (size_t s = 0; s < p->nseries; s++) {
        const svg_series *se = &p->series[s];
        int open = 0;
        for (size_t i = 0; i < n; i++) {
            double v = se->y[i];
            if (!isfinite(v)) {
                if (open) fputs("\"/>\n", f);
                open = 0;
                continue;
            }
            if (v < lo) v = lo;
            if (v > hi) v = hi;
            if (!open) {
                fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
                        se->color, se->dashed ? " stroke-dasharray=\"6,4\"" : "");
                open = 1;
            }
            fprintf(f, "%.1f,%.1f ", SVG_X(i), SVG_Y(v));
        }
        if (open) fputs("\"/>\n", f);
        double ly = top + 16 + 18.0 * (double)s;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"2\"%s/>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">",
                SVG_W - SVG_RIGHT + 12, ly, SVG_W - SVG_RIGHT + 36, ly, se->color,
                se->dashed ? " stroke-dasharray=\"6,4\"" : "", SVG_W - SVG_RIGHT + 42, ly + 4);
        svg_escape(f, se->label);
        fputs("</text>\n", f);
    }
#undef SVG_X
#undef SVG_Y
}

int svg_chart_write(const char *path, const char *title, const char *const *xlabels,
                    size_t npoints, const svg_panel *panels, size_t npanels)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    double h = SVG_TOP + (double)npanels * (SVG_PANEL_H + SVG_GAP) + 10;
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            "<text x=\"%.1f\" y=\"24\" font-size=\"16\" font-weight=\"bold\">",
            SVG_W, h, SVG_W, h, SVG_LEFT);
    svg_escape(f, title);
    fputs("</text>\n", f);
    for (size_t p = 0; p < npanels; p++)
        svg_write_panel(f, &panels[p], SVG_TOP + 10 + (double)p * (SVG_PANEL_H + SVG_GAP), xlabels,
                        npoints);
    fputs("</svg>\n", f);
    int err = ferror(f);
    if (fclose(f) != 0 || err) {
        if (!errno) errno = EIO;
        return -1;
    }
    return 0;
}
