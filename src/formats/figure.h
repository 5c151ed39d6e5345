/* figure.h - the figures of a scan (and of a rank file against it), drawn
 * through formats/svg.h or as pixels: one drawing code for `safer plot`,
 * `safer report` and the explorer.
 *
 * A figure is built from a grid: the scan's rows averaged over trials, one
 * cell per (weight layer, kind, level), so a deterministic scan has one cell
 * per row.  Building the grid checks that there is something to draw; the
 * drawing itself cannot fail (the stream may, which the caller checks). */
#ifndef SAFER_FIGURE_H
#define SAFER_FIGURE_H

#include <stdio.h>

#include "core/budget.h"
#include "core/perturb.h"
#include "formats/rank_file.h"
#include "formats/scan_file.h"

enum figure_type { FIGURE_HEATMAP, FIGURE_CURVES, FIGURE_BITPOS, FIGURE_CRITERIA, FIGURE_BUDGET, FIGURE_PARETO };

/* "heatmap" ... -> type: 0, or -1 when unknown. */
int figure_type_from_name(const char *name, enum figure_type *out);
const char *figure_type_name(enum figure_type t);

struct figure_opts {
	enum figure_type type;
	int mono;		/* greys for print instead of the viridis-like scale */
	unsigned kinds;		/* bit (1u << kind) per perturbation kind kept; 0: all */
	const int *layers;	/* layers kept, not owned; NULL: all */
	int nlayers;
};

struct figure_cell {
	int layer;		/* index into the grid's layers */
	enum perturb_kind kind;
	double level;
	double drop, drop_lo, drop_hi;	/* points, means over trials; NaN: not measured.
					 * Unlabeled data: 100 (1 - agreement), no interval */
	double value;		/* the curves' y: top-1 (or agreement), percent */
	int trials;
};

struct figure_grid {
	const struct scan_file *scan;	/* not owned */
	int nlayers;
	int *layers;			/* owned: Darknet indexes, ascending */
	char (*layer_kinds)[16];	/* owned */
	int nkinds;
	enum perturb_kind kinds[PERTURB_KIND_COUNT];	/* in enum order */
	int nlevels[PERTURB_KIND_COUNT];		/* by kind index */
	double *levels[PERTURB_KIND_COUNT];		/* owned, ascending */
	int ncells;
	struct figure_cell *cells;	/* owned */
	double lo, hi;			/* the colour scale's drop range */
	int agreement;			/* no labels: curves show the agreement */
};

/* The grid of the scan rows o keeps; -1 with "PATH: problem" when nothing
 * is left to draw (an empty scan, a --kind or --layers the scan lacks). */
int figure_grid_build(struct figure_grid *g, const char *path, const struct scan_file *scan,
    const struct figure_opts *o, char **cause);
void figure_grid_free(struct figure_grid *g);
/* The cell of grid layer li, kind index ki, level index vi; NULL when the
 * scan did not measure it. */
const struct figure_cell *figure_grid_at(const struct figure_grid *g, int li, int ki, int vi);

/* The colour of t in [0, 1] (0: the smallest drop): viridis (a polynomial
 * fit, colour-blind safe, luminance rising with t) or, mono, greys from
 * light to dark. */
void figure_colour(double t, int mono, unsigned char rgb[3]);

/* The rank file must describe the scan's weights (weights_checksum) and
 * share at least two measured layers with g: 0, or -1 with "RANK: problem". */
int figure_check_rank(const struct figure_grid *g, const char *scan_path, const char *rank_path,
    const struct rank_file *rank, char **cause);

/* The figure o->type of g (rank: for FIGURE_CRITERIA, checked above) as SVG;
 * standalone: a file of its own (XML declaration), else inline in HTML. */
void figure_svg(FILE *f, const struct figure_grid *g, const struct rank_file *rank,
    const struct figure_opts *o, int standalone);

/* A budget next to the scan it was made from: one row per weight layer of
 * g, the budget's bits and sparsity (magnitude and filter) as bars, and the
 * layer's sensitivity - its mean drop over the measured levels of each kind
 * - as bars in the heatmap's colours.  0, or -1 with "BUDGET: problem" when
 * no layer of the budget is in the scan. */
int figure_check_budget(const struct figure_grid *g, const char *budget_path, const struct budget *b, char **cause);
void figure_budget_svg(FILE *f, const struct figure_grid *g, const struct budget *b, int standalone);

/* A Pareto front as `safer budget --pareto --json` writes it: per target,
 * the sensitivity budget and the uniform one, measured. */
struct front_budget {
	double size_bytes, bops, avg_bits, sparsity;
	double top1, drop, drop_lo, drop_hi;	/* fractions; points */
};
struct front_point {
	char *target;			/* owned: "bits=4" */
	struct front_budget sens, uni;
};
struct figure_front {
	char *knob, *source;		/* owned */
	int map;			/* a detector's front: the accuracy is mAP@.5 */
	int by_bops;			/* draw against bit operations, not size */
	long images;
	double baseline;		/* top-1 (or mAP) as a fraction */
	int n;
	struct front_point *points;	/* owned */
};
/* 0, or -1 with "PATH: problem" (not such a file, no points). */
int figure_front_read(const char *path, struct figure_front *out, char **cause);
void figure_front_free(struct figure_front *f);
/* Accuracy against storage size (KiB) or, by_bops, bit operations (log
 * axis), the sensitivity budgets and the uniform ones as two marked lines,
 * the baseline dashed. */
void figure_front_svg(FILE *f, const struct figure_front *fr, int standalone);

/* The heatmap as w x h RGB pixels (owned by the caller): the cells of every
 * kind side by side (kinds in enum order, levels ascending, layers top to
 * bottom) in the left 85% of the width, the legend bar (largest drop at
 * the top) in the right 10%; cells not measured are a grey checkerboard. */
unsigned char *figure_heatmap_pixels(const struct figure_grid *g, int mono, int w, int h);


/* --layers "0,2,5-7" -> a sorted list (owned by the caller) of *n layers;
 * --kind "prune,quant" -> bits of figure_opts.kinds.  -1 with *cause. */
int figure_parse_layers(const char *text, int **layers, int *n, char **cause);
int figure_parse_kinds(const char *text, unsigned *kinds, char **cause);

#endif
