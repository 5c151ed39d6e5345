/* heatmap_scan.h - the background heatmap scan: every weight layer at every
 * column level of one kind, one engine job per cell, row by row.  Cells
 * already in the results are skipped.  A producer: the scheduler asks it for
 * the next cell; it never calls the scheduler. */
#ifndef SAFER_TUI_HEATMAP_SCAN_H
#define SAFER_TUI_HEATMAP_SCAN_H

#include "tui/state/types.h"

void tui_heatmap_scan_start(struct tui *t);
void tui_heatmap_scan_stop(struct tui *t, const char *why);
/* The next cell wanted (0 when the scan is done, which ends it). */
int tui_heatmap_scan_next(struct tui *t, struct job_ref *out);
void tui_heatmap_scan_cell_failed(struct tui *t);
void tui_heatmap_scan_progress(const struct tui *t, int *done, int *total);
/* The rows a save of the kind on screen writes: every trial of every cell on
 * the heatmap's grid (the scan's levels, else the columns), once each, by
 * layer, level and trial; *estimates of them stopped early, on
 * *min_images at the fewest.  Returns their count. */
int tui_heatmap_scan_rows(const struct tui *t, int *estimates, long *min_images);
/* Saves them (CSV or JSON by extension); exact_only: only the rows measured
 * on every image, so that the header's image count holds for each. */
int tui_heatmap_scan_save(struct tui *t, const char *path, int exact_only, char **cause);
void tui_heatmap_scan_free(struct tui_heatmap_scan *s);

#endif
