/*
 * examples/cli/svg_chart.h - line charts as standalone SVG files.
 *
 * A chart is a column of panels sharing one x axis (one point per interval);
 * each panel has its own y axis and several named series. NaN values leave a
 * gap in a line. Written with stdio only: no dependency. O(points x series).
 */
#ifndef CC_CLI_SVG_CHART_H
#define CC_CLI_SVG_CHART_H

#include <stddef.h>

typedef struct svg_series {
    const char *label;
    const char *color; /* any SVG colour ("#1f77b4") */
    const double *y;   /* npoints values, borrowed */
    int dashed;
} svg_series;

typedef struct svg_panel {
    const char *title;  /* e.g. "contacts per interval" */
    const svg_series *series;
    size_t nseries;
    double ymin, ymax;  /* NaN: from the data (ymin 0 unless data goes below) */
    int percent;        /* tick labels as percentages of 1.0 */
} svg_panel;

/*
 * Writes the chart to `path`. xlabels[npoints] name the points (every few are
 * printed). Returns 0, or -1 with errno set when the file cannot be written.
 */
int svg_chart_write(const char *path, const char *title, const char *const *xlabels,
                    size_t npoints, const svg_panel *panels, size_t npanels);

#endif
