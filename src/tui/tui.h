/* tui.h - state of the live explorer (`safer tui`) and the calls between its
 * modules.
 *
 * Threads: only the main thread touches this struct and curses.  The engine's
 * workers report through engine_wake_fd(); the main loop (ui.c) polls stdin,
 * that fd and a signal self-pipe, lets the key handlers (keys.c) change state
 * and set `dirty`, and redraws from one place at most TUI_FPS times a second.
 *
 * Modules: term.c (terminal, signals, colours, glyphs), ui.c (loop, layout),
 * keys.c (key table), prompt.c (status line), jobs.c (what the engine runs),
 * results.c (measured cells), levels.c (level ladders), scan.c (heatmap scan),
 * hist.c (weight histograms), budgetio.c + session.c (files), draw.c +
 * canvas.c (drawing helpers), view_*.c (one pane each). */
#ifndef SAFER_TUI_H
#define SAFER_TUI_H

#include <curses.h>
#include <stdint.h>

#include "engine/allocate.h"
#include "core/budget.h"
#include "engine/criteria.h"
#include "formats/dataset.h"
#include "engine/engine.h"
#include "engine/setup.h"
#include "core/perturb.h"
#include "formats/scan_file.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24
#define TUI_FPS 20
#define TUI_MSG_MAX 256
#define LADDER_MAX 128		/* levels on one curve / heatmap row */
#define HIST_BINS 120

struct tui;

struct tui_rect {
	int y, x, h, w;
};

enum tui_pane { PANE_LAYERS, PANE_PERTURB, PANE_VIEW, PANE_COUNT };
enum tui_view { VIEW_CURVE, VIEW_HEATMAP, VIEW_BUDGET, VIEW_CRITERIA, VIEW_PARETO, VIEW_COUNT };
enum perturb_field { FIELD_KIND, FIELD_LEVEL, FIELD_STEP, FIELD_SEED, FIELD_TRIALS, FIELD_COUNT };
enum budget_field { BF_PRUNE, BF_PRUNE_FILTER, BF_BITS, BF_BITS_PC, BF_ACTBITS, BF_COUNT };

/* Colour roles; term.c maps each to attributes (colour pair or mono attrs). */
enum tui_role {
	R_NORMAL, R_TITLE, R_FOCUS, R_DIM, R_GOOD, R_WARN, R_ACCENT, R_SELECT,
	R_HEAT0, R_HEAT1, R_HEAT2, R_HEAT3, R_ERROR, R_ROLE_COUNT
};

/* Characters for drawing; UTF-8 or ASCII (term.c picks). */
struct tui_glyphs {
	int utf8;
	const char *hline, *vline, *ellipsis, *arrow, *dot, *mark, *left, *right;
	const char *eighths[9];		/* horizontal bar: "", 1/8 .. full */
	const char *column[9];		/* vertical bar: " ", 1/8 .. full */
	const char *heat[5];		/* unmeasured, then four drop buckets */
	const char *bar_empty;
};

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
	double top1, drop, lo, hi;	/* sums over trials (top1 a fraction, drops in points) */
	double agree, kl;	/* sums over trials */
	long images;		/* images of the last trial */
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
};

/* What a job measures. */
enum job_what { JOB_NONE, JOB_LIVE, JOB_BUDGET, JOB_SCAN, JOB_FILL, JOB_PARETO };

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

struct scan {
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

struct tui_budget {
	struct budget b;
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

/* Importance criteria (crit.c): the weight statistics computed at start,
 * plus the other columns of a rank file (--rank, R). */
struct tui_criteria {
	struct criteria_table table;	/* owned */
	char *rank_path;	/* owned: the loaded rank file or NULL */
	int k;			/* top-K overlap */
	struct crit_background *bg;	/* owned: gradient criteria being computed, or NULL */
	int bg_samples;		/* images the gradient criteria used (0: none yet) */
	char *bg_error;		/* owned: why they could not be computed, or NULL */
};

/* Every criterion against the measured drops of the current kind and level. */
struct crit_agreement_view {
	int n;			/* weight layers (table rows) */
	int measured;		/* of them with a measured drop */
	double *truth;		/* owned: drop per table row, NaN unmeasured */
	struct criteria_agreement a[CRIT_COUNT];	/* per table column */
	double rho[CRIT_COUNT];
	int best, second;	/* columns, -1 when nothing agrees or disagrees yet */
};

/* The accuracy/size front (pareto.c): one sensitivity budget per target,
 * each measured in the background, sorted by size. */
struct pareto_point {
	struct alloc_target target;
	struct budget b;	/* owned */
	struct budget_cost cost;
	double assumed;		/* sum of single-layer drops (curves), else NaN */
	int state;		/* 0 waiting, 1 measured, -1 failed */
	double top1, drop, lo, hi;
};

struct pareto {
	int n, cur;
	struct pareto_point pt[ALLOC_PARETO_MAX];
	uint64_t gen;		/* bumped by each new front: old measurements are dropped */
	int unreachable;	/* targets the source could not meet */
	enum alloc_target_kind kind;
	char what[128];		/* the source */
	char last[64];		/* the last target kind asked for */
};

struct hist {
	int valid;
	struct result_key key;	/* level/kind/seed of the "after" side */
	double lo, hi;		/* bin range (finite weights before) */
	long before[HIST_BINS], after[HIST_BINS];
	long n, zero_before, zero_after, distinct_before, distinct_after, outside;
	char note[96];		/* "weights unchanged", an error, ... */
};

typedef void (*prompt_done_fn)(struct tui *t, int accepted, const char *text);

struct prompt {
	int active, yesno;
	char question[160];
	char buf[1024];
	int len;
	prompt_done_fn done;
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

	/* selection and panes */
	int layer, top;		/* selected layer, first layer row shown */
	int heat_top;		/* first heatmap row shown */
	enum tui_pane focus;
	enum tui_view view, last_view;
	enum perturb_field field;
	int show_help;

	struct results results;
	struct running run;
	struct job_ref live;	/* the selection the user wants measured */
	int live_want;
	int fill_blocked;	/* a curve point failed: no filling until the selection changes */
	struct scan scan;
	struct tui_budget budget;
	struct hist hist;
	struct prompt prompt;
	struct tui_criteria crit;
	struct pareto pareto;
	char fill_last[64];	/* the last fill target typed */

	char msg[TUI_MSG_MAX];
	int msg_error;

	/* terminal */
	struct tui_glyphs g;
	attr_t attr[R_ROLE_COUNT];
	int rows, cols, small;
	struct tui_rect r_layers, r_perturb, r_acc, r_view, r_detail, r_status;
	int dirty, quit, exit_status;
};

/* ---- ui.c ---- */
int tui_run(struct tui *t);

/* ---- term.c ---- */
int term_signals_open(void);
int term_signal_fd(void);
int term_signal_take(void);
void term_signals_close(void);
int term_start(struct tui *t, char **cause);
void term_stop(void);
void term_resize(struct tui *t);
int term_input_fd(void);

/* ---- keys.c ---- */
void keys_handle(struct tui *t, int ch);
struct key_help {
	const char *keys, *what;
};
const struct key_help *keys_help(int *n);

/* ---- prompt.c ---- */
void tui_msg(struct tui *t, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Shows *cause as an error and frees it. */
void tui_fail(struct tui *t, const char *what, char *cause);
void prompt_yesno(struct tui *t, const char *question, prompt_done_fn done);
void prompt_text(struct tui *t, const char *label, const char *initial, prompt_done_fn done);
int prompt_key(struct tui *t, int ch);
void view_status_draw(struct tui *t);

/* ---- levels.c ---- */
double levels_default(enum perturb_kind k);
double levels_default_step(enum perturb_kind k);
/* Next/previous level from `level` (dir +1/-1), snapped to the ladder. */
double levels_move(enum perturb_kind k, double step, double level, int dir);
/* Coarser (+1) or finer (-1) step; returns the new step. */
double levels_step_change(enum perturb_kind k, double step, int dir);
/* Snap a level to the ladder of `step`. */
double levels_snap(enum perturb_kind k, double step, double level);
/* The curve's x axis: ladder levels within the kind's window. */
int levels_ladder(enum perturb_kind k, double step, double *out, int max);
/* The heatmap's columns: the ladder without the identity level. */
int levels_columns(enum perturb_kind k, double step, double *out, int max);
char *levels_format(enum perturb_kind k, double level, char *buf, size_t size);
char *levels_format_step(enum perturb_kind k, double step, char *buf, size_t size);
int levels_same(double a, double b);

/* ---- results.c ---- */
struct result_key result_key_make(int layer, enum perturb_kind kind, double level, uint64_t seed);
int result_key_same(const struct result_key *a, const struct result_key *b);
const struct result *results_find(const struct results *r, const struct result_key *k);
void results_add(struct results *r, const struct result_key *k, const struct scan_row *row);
void results_forget(struct results *r, const struct result_key *k);
void results_free(struct results *r);
double result_top1(const struct result *r);
double result_drop(const struct result *r);
void result_interval(const struct result *r, double *lo, double *hi);
/* Trials a complete measurement of this kind needs. */
int results_trials_wanted(const struct tui *t, enum perturb_kind k);

/* ---- jobs.c ---- */
/* The key of the current selection (layer, kind, level, seed). */
struct result_key jobs_selection(const struct tui *t);
/* Ask for the selection to be measured (no job if it is cached). */
void jobs_request_live(struct tui *t, int force);
void jobs_budget_changed(struct tui *t);
void jobs_schedule(struct tui *t);
void jobs_on_wake(struct tui *t);
/* The running job's progress when it measures key k (NULL otherwise). */
const struct engine_progress *jobs_progress_for(const struct tui *t, const struct result_key *k, int *trial);
const char *jobs_activity(const struct tui *t, char *buf, size_t size);

/* ---- scan.c ---- */
void scan_start(struct tui *t);
void scan_stop(struct tui *t, const char *why);
int scan_next(struct tui *t, struct job_ref *out);
void scan_cell_failed(struct tui *t);
void scan_progress(const struct tui *t, int *done, int *total);
int scan_save(struct tui *t, const char *path, char **cause);
void scan_free(struct scan *s);

/* ---- crit.c ---- */
void crit_init(struct tui *t);
void crit_free(struct tui_criteria *c);
/* Adds the columns of a rank file made from the same weights. */
int crit_load(struct tui *t, const char *path, char **cause);
/* Gradient criteria (grad, taylor, fisher) on the first images, computed by
 * a thread on its own copy of the network read from the cfg and weights
 * files (the engine's weights are perturbed meanwhile); crit_wake_fd turns
 * readable when they are ready and crit_background_done merges them.
 * crit_background_stop interrupts and joins (before curses stops: Darknet's
 * output capture swaps fds 1 and 2). */
void crit_background_start(struct tui *t);
int crit_wake_fd(const struct tui *t);	/* -1 when nothing runs */
void crit_background_done(struct tui *t);
void crit_background_stop(struct tui *t);
void crit_agreement(const struct tui *t, struct crit_agreement_view *v);
void crit_agreement_free(struct crit_agreement_view *v);
/* One line: which criterion predicts the measured drops best. */
char *crit_reading(const struct tui *t, const struct crit_agreement_view *v, char *buf, size_t size);

/* ---- autobudget.c ---- */
/* Where a budget for a target comes from: the measured curves when every
 * weight layer has some, else one criterion's scores. */
struct autosrc {
	int curves_ok;
	struct sens_curves curves;	/* owned */
	int col;			/* criterion column otherwise */
	char what[128];
};
void autosrc_get(const struct tui *t, struct alloc_target *target, struct autosrc *s);
void autosrc_free(struct autosrc *s);
int autosrc_allocate(const struct tui *t, const struct autosrc *s, const struct alloc_target *target,
    struct budget *out, double *assumed, char **cause);
/* Sum of single-layer drops measured for the budget's settings, NaN if unknown. */
double autobudget_assumed(const struct tui *t, const struct budget *b);
/* Fills the budget for a target typed as for `safer budget --target`. */
void autobudget_fill(struct tui *t, const char *text);

/* ---- pareto.c ---- */
/* A new front over the targets of one kind ("bits", "sparsity", "size", "drop"). */
void pareto_start(struct tui *t, const char *kind);
int pareto_next(const struct tui *t, struct job_ref *out);
void pareto_record(struct tui *t, const struct job_ref *ref, const struct engine_progress *p);
void pareto_failed(struct tui *t, const struct job_ref *ref);
void pareto_move(struct tui *t, int dir);
void pareto_apply(struct tui *t);
void pareto_free(struct pareto *p);

/* ---- hist.c ---- */
void hist_update(struct tui *t);

/* ---- budgetio.c ---- */
int budgetio_write(struct tui *t, const char *path, char **cause);
int budgetio_load(struct tui *t, const char *path, char **cause);
int budgetio_export(struct tui *t, const char *path, char **cause);
char *budgetio_default_path(const struct tui *t, const char *suffix);
void budgetio_set(struct tui *t, struct budget *nb);

/* ---- session.c ---- */
int session_save(struct tui *t, char **cause);
void session_offer(struct tui *t);

/* ---- draw.c ---- */
int draw_width(const char *s);
void draw_text(const struct tui_rect *r, int y, int x, attr_t attr, const char *s);
void draw_textf(const struct tui_rect *r, int y, int x, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void draw_clear(const struct tui_rect *r);
void draw_title(const struct tui *t, const struct tui_rect *r, const char *title, int focused);
void draw_hbar(const struct tui *t, const struct tui_rect *r, int y, int x, int w, double frac, attr_t attr,
    const char *empty);
int draw_heat_role(double drop);
int draw_heat_glyph(double drop);

/* ---- canvas.c ---- */
enum canvas_class { CV_NONE, CV_BASE, CV_CURSOR, CV_LINE, CV_POINT, CV_COUNT };
struct canvas {
	int w, h;		/* in cells */
	int pw, ph;		/* in dots: 2x4 per cell (braille) or 1x1 (ASCII) */
	int utf8;
	unsigned char *dots;	/* owned: w*h braille bit sets */
	unsigned char *cls;	/* owned: w*h strongest class per cell */
};
void canvas_init(struct canvas *c, int w, int h, int utf8);
void canvas_free(struct canvas *c);
void canvas_dot(struct canvas *c, int x, int y, enum canvas_class cls);
void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1, enum canvas_class cls);
void canvas_draw(const struct canvas *c, const struct tui *t, const struct tui_rect *r, int y, int x);

/* ---- views ---- */
void view_layers_draw(struct tui *t);
int view_layers_hit(struct tui *t, int y, int x);
void view_perturb_draw(struct tui *t);
void view_perturb_change(struct tui *t, int dir);
void view_accuracy_draw(struct tui *t);
void view_curve_draw(struct tui *t, const struct tui_rect *r);
void view_heatmap_draw(struct tui *t, const struct tui_rect *r);
void view_budget_draw(struct tui *t, const struct tui_rect *r);
void view_budget_change(struct tui *t, int dir);
void view_budget_clear(struct tui *t, int whole_layer);
void view_budget_apply(struct tui *t);
void view_budget_totals(struct tui *t, const struct tui_rect *r, int y, int lines);
void view_criteria_draw(struct tui *t, const struct tui_rect *r);
void view_pareto_draw(struct tui *t, const struct tui_rect *r);
void view_detail_draw(struct tui *t);
void view_help_draw(struct tui *t);

/* Selection helpers shared by keys and views (ui.c). */
void tui_select_layer(struct tui *t, int layer);
void tui_set_kind(struct tui *t, enum perturb_kind k);
void tui_set_level(struct tui *t, double level);

#endif
