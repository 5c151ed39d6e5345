/* types.h - the explorer's model (`safer tui`): what is selected, what was
 * measured, what the engine should run next, the budget being built.  No
 * curses: src/tui/state/ is compiled with src/build/forbid on the include
 * path, and is unit-tested without a terminal (tests/unit/test_tui_state.c).
 *
 * Threads: only the main thread touches this struct.  The engine's workers
 * report through engine_wake_fd(); the loop (view/loop.c) hands that to
 * tui_jobs_on_wake.  Functions that change what should be measured set
 * `resched`; the loop then calls tui_jobs_schedule once, next to its one
 * redraw point.  `dirty` asks for a redraw.
 *
 * The functions live in one header per module (levels.h, results.h, ...);
 * this header only holds the types, so that every module can include it
 * without an include cycle. */
#ifndef SAFER_TUI_STATE_TYPES_H
#define SAFER_TUI_STATE_TYPES_H

#include <stdint.h>

#include "core/budget.h"
#include "core/perturb.h"
#include "engine/allocate.h"
#include "engine/criteria.h"
#include "engine/engine.h"
#include "engine/setup.h"
#include "formats/dataset.h"
#include "formats/scan_file.h"

#define TUI_MSG_MAX 256
#define LADDER_MAX 128		/* levels on one curve / heatmap row */
#define HIST_BINS 120
#define TUI_MARKS_MAX 4		/* marked layers: one colour and glyph each */

struct tui;

/* Which pane has the keyboard (the view pane: the tab shown). */
enum tui_focus { PANE_LAYERS, PANE_PERTURB, PANE_VIEW, PANE_COUNT };
enum tui_tab { VIEW_CURVE, VIEW_HEATMAP, VIEW_BUDGET, VIEW_CRITERIA, VIEW_PARETO, VIEW_PICTURE, VIEW_CLASSES, VIEW_COUNT };
enum perturb_field { FIELD_KIND, FIELD_LEVEL, FIELD_STEP, FIELD_SEED, FIELD_TRIALS, FIELD_COUNT };
enum budget_field { BF_PRUNE, BF_PRUNE_FILTER, BF_BITS, BF_BITS_PC, BF_ACTBITS, BF_COUNT };

/* One measured cell: a perturbation of one layer at one level. */
struct result_key {
	int layer;
	enum perturb_kind kind;
	double level;
	uint64_t seed;		/* 0 for deterministic kinds */
};

struct result {
	struct result_key key;
	int trials;		/* trials averaged */
	int estimated;		/* of them stopped early (adaptive): measured on fewer images than the set */
	double top1, drop, lo, hi;	/* sums over trials (top1 a fraction, drops in points) */
	double drop_sq, drop_min, drop_max;	/* the trials' spread */
	double agree, kl;	/* sums over trials */
	double iou;		/* detectors: sum over trials of the matched boxes' mean IoU */
	long images;		/* images of the last trial */
	long min_images;	/* fewest images a trial used */
	long total;		/* images in the set */
};

struct logged_row {
	uint64_t seed;
	struct scan_row row;
};

struct results {
	int n, cap;
	struct result *v;	/* owned */
	int nlog, caplog;
	struct logged_row *log;	/* owned: every trial, for saving the heatmap */
	uint64_t gen;		/* bumped by every change: caches derived from the results compare it */
};

/* What a job measures. */
/* JOB_BOXES: the selection again, for the picture view's boxes only (its
 * figures are in the results already). */
enum job_what { JOB_NONE, JOB_LIVE, JOB_BUDGET, JOB_SCAN, JOB_FILL, JOB_PARETO, JOB_BOXES };

struct job_ref {
	enum job_what what;
	struct result_key key;	/* live and scan */
	int trial;		/* pareto: the point */
	uint64_t gen;		/* budget: the edit generation measured; pareto: the front's */
};

struct running {
	int active;		/* a job of ours runs (or is queued) in the engine */
	uint64_t id;
	struct job_ref ref;
	struct engine_progress prog;	/* latest snapshot (error always NULL) */
	int has_prog;
};

/* The heatmap scan's plan (heatmap_scan.c). */
struct tui_heatmap_scan {
	int active;
	enum perturb_kind kind;
	uint64_t seed;
	int trials;
	int nlevels;
	double *levels;		/* owned: heatmap columns at start */
	int nrows;
	int *rows;		/* owned: weight layers */
	int cell;		/* first cell not known to be complete (row-major) */
	int failed;
	double t0;
};

/* One budget before an edit, for undo/redo (budget.c). */
#define BUDGET_HISTORY 32
struct budget_snapshot {
	struct budget b;	/* owned */
	char what[64];		/* the edit that followed it: "set layer 3 prune=0.55" */
};

struct budget_history {
	struct budget_snapshot undo[BUDGET_HISTORY], redo[BUDGET_HISTORY];
	int nundo, nredo;	/* undo[nundo-1] is the most recent; the oldest drop off */
};

struct tui_budget {
	struct budget b;
	struct budget_history hist;
	char *path;		/* owned: file last loaded or written, or NULL */
	int dirty;		/* edited since loaded or written */
	enum budget_field field;
	uint64_t gen;		/* bumped by each change */
	int want;		/* the current gen still needs measuring */
	struct engine_progress prog;	/* last finished measurement */
	uint64_t prog_gen;	/* gen of prog; 0 = none */
	struct budget_cost cost;
	double assumed;		/* sum of the single-layer drops measured for its settings, NaN if unknown */
	char source[224];	/* how the last fill allocated ("" after a hand edit) */
};

/* Every criterion against the measured drops of the current kind and level. */
struct tui_crit_agreement {
	int n;			/* weight layers (table rows) */
	int measured;		/* of them with a measured drop */
	double *truth;		/* owned: drop per table row, NaN unmeasured */
	double *mrank;		/* owned: rank of each row by drop (1 = largest), NaN unmeasured */
	struct criteria_agreement a[CRIT_COUNT];	/* per table column */
	double rho[CRIT_COUNT];
	int best, second;	/* columns, -1 when nothing agrees or disagrees yet */
};

/* Importance criteria (crit.c): the weight statistics computed at start,
 * plus the other columns of a rank file (--rank, R). */
struct tui_criteria {
	struct criteria_table table;	/* owned */
	uint64_t table_gen;	/* bumped when columns are added */
	char *rank_path;	/* owned: the loaded rank file or NULL */
	int k;			/* top-K overlap */
	struct crit_background *bg;	/* owned: gradient criteria being computed, or NULL */
	int bg_samples;		/* images the gradient criteria used (0: none yet) */
	char *bg_error;		/* owned: why they could not be computed, or NULL */
	/* the agreement the criteria pane shows, recomputed by tui_crit_refresh
	 * only when the results, the table or the kind/level/seed change */
	struct tui_crit_agreement agree;
	int agree_valid;
	struct result_key agree_key;	/* layer unused */
	uint64_t agree_results_gen, agree_table_gen;
};

/* The accuracy/size front (pareto.c): one sensitivity budget per target,
 * each measured in the background, sorted by size. */
struct tui_pareto_point {
	struct alloc_target target;
	struct budget b;	/* owned */
	struct budget_cost cost;
	double assumed;		/* sum of single-layer drops (curves), else NaN */
	int state;		/* 0 waiting, 1 measured, -1 failed */
	double top1, drop, lo, hi;
	int same_as;		/* the first point with the same budget (measured once, for both), or -1 */
};

struct tui_pareto {
	int n, cur;
	struct tui_pareto_point pt[ALLOC_PARETO_MAX];
	uint64_t gen;		/* bumped by each new front: old measurements are dropped */
	int unreachable;	/* targets the source could not meet */
	int distinct;		/* different budgets among the points */
	enum alloc_target_kind kind;
	char what[128];		/* the source */
	char last[64];		/* the last target kind asked for */
};

struct tui_hist {
	int valid;
	struct result_key key;	/* level/kind/seed of the "after" side */
	double lo, hi;		/* bin range (finite weights before) */
	long before[HIST_BINS], after[HIST_BINS];
	long n, zero_before, zero_after, distinct_before, distinct_after, outside;
	char note[96];		/* "weights unchanged", an error, ... */
};

/* The picture view (gallery.c): one image of a detector's data set with the
 * unperturbed boxes and those of the last finished job, both above the
 * display threshold, copied from the engine when that job finished. */
struct tui_gallery {
	int on;			/* a detector whose boxes the engine keeps */
	int n;			/* images */
	int image;		/* the one shown */
	float show;		/* display threshold */
	struct det_pred **base, **pert;	/* owned, per image (NULL when none) */
	int *nbase, *npert;	/* npert[i] -1: the last job did not evaluate image i */
	struct det_agree *agree;	/* owned: per image, pert against base */
	int have_pert;		/* a job has finished since the start */
	struct job_ref pert_ref;	/* the job pert comes from */
	uint64_t gen;		/* bumped when the boxes change */
	int boxes_failed;	/* measuring failed_key for its boxes failed: not again */
	struct result_key failed_key;
	int jump_rank, jump_image;	/* the last most-changed jump: its rank and image (-1: none) */
	/* the image shown, decoded (and shrunk) when the view is shown */
	int pix_image;		/* -1: none */
	int ow, oh;		/* its size in the file (the boxes' pixels) */
	int pw, ph;		/* the planes kept (at most GALLERY_MAX_SIDE a side) */
	float *pix;		/* owned: 3 planes of pw x ph in [0,1] */
	char *pix_error;	/* owned: why it could not be decoded, or NULL */
};

/* A classifier's per-class top-1 and flipped images (classes.c): the
 * unperturbed top-1 per image against that of the last finished job of the
 * selection, copied from the engine (engine_preds_copy) when it finished. */
struct tui_classes {
	int on;			/* a classifier */
	int *base, *pert;	/* owned, per image; pert -1: not evaluated */
	int have;		/* pert holds a job's */
	struct result_key key;	/* the perturbation pert comes from */
	int nflips;
	int *flips;		/* owned: images whose top-1 changed, worst (right -> wrong) first */
	int cur;		/* the flip shown */
	long *n, *right_base, *right_pert;	/* owned, per class: images, correct before and after */
	long evaluated;		/* images the job evaluated */
};

typedef void (*tui_prompt_done)(struct tui *t, int accepted, const char *text);

/* A one-line question on the status line; it takes the keyboard until answered. */
struct tui_prompt {
	int active, yesno;
	char question[160];
	char buf[1024];
	int len;
	tui_prompt_done done;
};

struct tui {
	/* borrowed from cmd_tui.c */
	const struct setup_opts *opts;
	const struct dataset *data;
	struct engine *eng;
	const struct model *model;
	char *cfg_base;		/* owned: cfg file name without directory and .cfg */
	char *data_label;	/* owned: short name of the data set */
	char *weights_checksum;	/* owned: hex, taken before any job ran */

	/* perturbation settings; level and step are remembered per kind */
	enum perturb_kind kind;
	double level[PERTURB_KIND_COUNT], step[PERTURB_KIND_COUNT];
	uint64_t seed;
	int trials;
	int exact;		/* E: scan cells and curve points on every image, no early stop */

	/* selection and panes */
	int layer;		/* selected layer */
	enum tui_focus focus;
	enum tui_tab view, last_view;	/* the curve fills itself only while shown */
	enum perturb_field field;

	struct results results;
	struct running run;
	struct job_ref live;	/* the selection the user wants measured */
	int live_want;
	int fill_blocked;	/* a curve point failed: no filling until the selection changes */
	struct tui_heatmap_scan scan;
	struct tui_budget budget;
	struct tui_hist hist;
	struct tui_prompt prompt;
	struct tui_criteria crit;
	struct tui_pareto pareto;
	char fill_last[64];	/* the last fill target typed */
	struct tui_gallery gallery;
	struct tui_classes classes;

	/* the guided tour (tour.c): on, and its step */
	struct tui_tour {
		int on;
		int step;
		int finished;	/* the last step reached by doing, not skipping */
		/* after z/Z: what was on screen then; a step already done counts
		 * only once the student changes something */
		int held;
		struct tui_tour_at {
			int kind, layer, view, scanning;
			double level;
			uint64_t budget_gen;
		} at;
	} tour;

	/* layers marked to compare (M): their curves overlay the selected one's */
	int marks[TUI_MARKS_MAX];
	int nmarks;

	char msg[TUI_MSG_MAX];
	int msg_error;

	int dirty;		/* redraw wanted */
	int resched;		/* what should run may have changed: tui_jobs_schedule */
	int quit, exit_status;
};

#endif
