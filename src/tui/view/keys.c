/* keys.c - key dispatch and the global key table.  A key goes to the open
 * prompt first, then to the focused pane's table (panes.h), then to the
 * table here.  Handlers only change state and return what must happen next;
 * the loop (loop.c) schedules the engine and redraws.  The help overlay
 * lists this same table, so it cannot forget a key. */
#include "tui/view/keys.h"
#include "tui/view/panes.h"
#include "tui/view/tabs.h"
#include "tui/view/status.h"
#include "tui/state/autobudget.h"
#include "tui/state/budget.h"
#include "tui/state/budget_file.h"
#include "tui/state/crit.h"
#include "tui/state/gallery.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/levels.h"
#include "tui/state/marks.h"
#include "tui/state/msg.h"
#include "tui/state/pareto.h"
#include "tui/state/prompt.h"
#include "tui/state/select.h"
#include "tui/state/tour.h"
#include "core/util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

static int page_rows(const struct tui_view *v)
{
	int n = v->r_layers.h - 4;
	return n > 1 ? n : 1;
}

/* ---- movement ----------------------------------------------------------------- */

static int act_updown(struct tui_view *v, int dir)
{
	tui_select_layer(v->t, v->t->layer + dir);
	return TUI_REDRAW;
}

static int act_page(struct tui_view *v, int dir)
{
	tui_select_layer(v->t, v->t->layer + dir * page_rows(v));
	return TUI_REDRAW;
}

static int act_ends(struct tui_view *v, int end)
{
	tui_select_layer(v->t, end ? v->t->model->n - 1 : 0);
	return TUI_REDRAW;
}

static int act_level(struct tui_view *v, int dir)
{
	struct tui *t = v->t;
	enum perturb_kind k = t->kind;
	tui_select_level(t, tui_levels_move(k, t->step[k], t->level[k], dir));
	return TUI_REDRAW;
}

static int act_focus(struct tui_view *v, int dir)
{
	v->t->focus = (enum tui_focus)((v->t->focus + PANE_COUNT + dir) % PANE_COUNT);
	v->t->msg[0] = '\0';	/* the status line explains the newly focused pane */
	return TUI_REDRAW;
}

/* M: mark the selected layer to compare its curve. */
static int act_mark(struct tui_view *v, int arg)
{
	(void)arg;
	tui_marks_toggle(v->t);
	return TUI_REDRAW | TUI_RESCHEDULE;
}

/* z: open the tour, or skip its step; Z: the step before. */
static int act_tour(struct tui_view *v, int dir)
{
	struct tui *t = v->t;
	if (!t->tour.on && dir > 0)
		tui_tour_open(t);
	else
		tui_tour_move(t, dir);
	return TUI_REDRAW;
}

/* ---- perturbation ---------------------------------------------------------------- */

static int act_kind(struct tui_view *v, int dir)
{
	tui_select_change(v->t, FIELD_KIND, dir);
	return TUI_REDRAW;
}

static int act_step(struct tui_view *v, int dir)
{
	tui_select_change(v->t, FIELD_STEP, dir);
	return TUI_REDRAW;
}

/* r, t, T: change one perturbation field without focusing the panel. */
static int act_seed(struct tui_view *v, int dir)
{
	tui_select_change(v->t, FIELD_SEED, dir);
	return TUI_REDRAW;
}

static int act_trials(struct tui_view *v, int dir)
{
	tui_select_change(v->t, FIELD_TRIALS, dir);
	return TUI_REDRAW;
}

static int act_measure(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	if (!t->model->layers[t->layer].has_weights)
		tui_msg(t, 1, "layer %d (%s) has no weights to perturb", t->layer, t->model->layers[t->layer].kind_name);
	tui_select_measure(t, 1);
	return TUI_REDRAW;
}

/* E: scan cells and curve points stop early once their drop is known to
 * +-0.5 points (adaptive), or run on every image (exact); estimates already
 * kept are measured again when exact. */
static int act_exact(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	t->exact = !t->exact;
	t->scan.cell = 0;	/* cells passed as done may be estimates */
	tui_msg(t, 0, t->exact ? "exact measuring: every image (estimates are measured again)"
			      : "adaptive measuring: scans and curves stop once the drop is known to 0.5 pts");
	tui_select_measure(t, 0);
	return TUI_REDRAW | TUI_RESCHEDULE;
}

/* ---- views, scan ------------------------------------------------------------------- */

static void front_done(struct tui *t, int ok, const char *kind)
{
	if (ok)
		tui_pareto_start(t, kind);
}

static void front_prompt(struct tui *t)
{
	tui_prompt_text(t, "front over targets of (bits, sparsity, size, drop)",
	    t->pareto.last[0] ? t->pareto.last : "bits", front_done);
}

/* The budget and Pareto views take the keys (h/l, +/-); the same key again
 * goes back to where we were.  The curve fills itself only while it is
 * shown: a view change reschedules. */
/* Views that take the keys while shown. */
static int takes_keys(int view)
{
	return view == VIEW_BUDGET || view == VIEW_PARETO || view == VIEW_PICTURE || view == VIEW_CLASSES;
}

static int act_view(struct tui_view *v, int view)
{
	struct tui *t = v->t;
	int takes = takes_keys(view);
	if (view == VIEW_PICTURE && !t->gallery.on) {
		tui_msg(t, 0, "the picture view shows a detector's images and boxes");
		return TUI_REDRAW;
	}
	if (takes && t->view == (enum tui_tab)view && t->focus == PANE_VIEW) {
		t->view = t->last_view;
		t->focus = PANE_LAYERS;
	} else {
		if (!takes_keys(t->view))
			t->last_view = t->view;
		t->view = (enum tui_tab)view;
		if (takes)
			t->focus = PANE_VIEW;
		if (view == VIEW_PARETO && t->pareto.n == 0)
			front_prompt(t);
	}
	return TUI_REDRAW | TUI_RESCHEDULE;
}

static int act_front(struct tui_view *v, int arg)
{
	int flags = TUI_REDRAW;
	(void)arg;
	if (v->t->view != VIEW_PARETO)
		flags |= act_view(v, VIEW_PARETO);
	if (!v->t->prompt.active)
		front_prompt(v->t);
	return flags;
}

static void fill_done(struct tui *t, int ok, const char *text)
{
	if (ok)
		tui_autobudget_fill(t, text);
}

static void fill_prompt(struct tui *t)
{
	tui_prompt_text(t, "fill the budget for target (bits=4, sparsity=0.6, size=200KiB, drop=1.0)",
	    t->fill_last[0] ? t->fill_last : "bits=4", fill_done);
}

static void fill_confirmed(struct tui *t, int ok, const char *text)
{
	(void)text;
	if (ok)
		fill_prompt(t);
}

/* A fill replaces the budget: an edited one is not lost unasked. */
static int act_fill(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	if (t->budget.dirty && t->budget.b.n > 0)
		tui_prompt_yesno(t, "the budget is not saved (w writes it); replace it with a fill?", fill_confirmed);
	else
		fill_prompt(t);
	return TUI_REDRAW;
}

static void rank_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (tui_crit_load(t, path, &cause) != 0)
		tui_msg_fail(t, "rank", cause);
	else
		tui_msg(t, 0, "criteria: %d columns with %s", t->crit.table.ncols, path);
}

static int act_rank(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	int flags = TUI_REDRAW;
	(void)arg;
	char *def = t->crit.rank_path ? xstrdup(t->crit.rank_path) : tui_budget_file_default_path(t, "-rank.csv");
	tui_prompt_text(t, "load criteria from a safer rank file", def, rank_done);
	free(def);
	if (t->view != VIEW_CRITERIA)
		flags |= act_view(v, VIEW_CRITERIA);
	return flags;
}

static int act_scan(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	int flags = TUI_REDRAW;
	(void)arg;
	if (t->scan.active) {
		tui_heatmap_scan_stop(t, "scan stopped (s starts it again; measured cells are kept)");
		return flags;
	}
	if (t->view != VIEW_HEATMAP && t->view != VIEW_CRITERIA)
		flags |= act_view(v, VIEW_HEATMAP);
	tui_heatmap_scan_start(t);
	return flags;
}

static int is_input(const struct tui *t, const char *path)
{
	struct stat a, b;
	const char *inputs[] = { t->opts->cfg, t->opts->weights };
	for (int i = 0; i < 2; i++)
		if (inputs[i] && stat(path, &a) == 0 && stat(inputs[i], &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return 1;
	return 0;
}

/* The path between the save's two questions (file, then estimates). */
static char save_path[1024];

static void scan_save_write(struct tui *t, int exact_only)
{
	char *cause = NULL;
	if (tui_heatmap_scan_save(t, save_path, exact_only, &cause) != 0)
		tui_msg_fail(t, "save", cause);
}

static void scan_save_estimates(struct tui *t, int all, const char *text)
{
	(void)text;
	scan_save_write(t, !all);
}

/* Rows that stopped early were measured on fewer images than the header
 * says: ask whether they go in (their images column tells) or not. */
static void scan_save_done(struct tui *t, int ok, const char *path)
{
	int est;
	long min_images;
	if (!ok)
		return;
	if (is_input(t, path)) {
		tui_msg(t, 1, "%s: refusing to overwrite an input file", path);
		return;
	}
	snprintf(save_path, sizeof save_path, "%s", path);
	size_t len = strlen(path);
	if (t->view == VIEW_PARETO && len > 4 && strcmp(path + len - 4, ".svg") == 0) {
		char *cause = NULL;
		if (tui_pareto_save_svg(t, path, &cause) != 0)
			tui_msg_fail(t, "save", cause);
		return;
	}
	int n = tui_heatmap_scan_rows(t, &est, &min_images);
	if (est == 0) {
		scan_save_write(t, 0);
		return;
	}
	char q[160];
	snprintf(q, sizeof q, "save the %d estimates too (%ld..%d images)? n: the %d exact rows only", est, min_images,
	    t->data->count - 1, n - est);
	tui_prompt_yesno(t, q, scan_save_estimates);
}

static int act_scan_save(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	char def[256];
	/* the heatmap's rows by default; elsewhere the figure of the view */
	static const char *const figure[VIEW_COUNT] = { [VIEW_CURVE] = "curves", [VIEW_BUDGET] = "budget",
		[VIEW_CRITERIA] = "criteria", [VIEW_PARETO] = "pareto" };
	if (figure[t->view] != NULL)
		snprintf(def, sizeof def, "%s-%s-%s.svg", t->cfg_base, perturb_kind_name(t->kind), figure[t->view]);
	else
		snprintf(def, sizeof def, "%s-%s-scan.csv", t->cfg_base, perturb_kind_name(t->kind));
	tui_prompt_text(t, "save heatmap (.csv, .json; .svg: the figure on screen)", def, scan_save_done);
	return TUI_REDRAW;
}

/* n, N, W: the picture view's image (opening the view). */
static int act_image(struct tui_view *v, int dir)
{
	struct tui *t = v->t;
	int flags = TUI_REDRAW;
	if (!t->gallery.on)
		return act_view(v, VIEW_PICTURE);	/* says why not */
	if (t->view != VIEW_PICTURE)
		flags |= act_view(v, VIEW_PICTURE);
	if (dir == 0)
		tui_gallery_most_changed(t);
	else
		tui_gallery_move(t, dir);
	return flags;
}

/* ---- budget -------------------------------------------------------------------------- */

static void apply_confirmed(struct tui *t, int ok, const char *text)
{
	(void)text;
	if (ok)
		tui_pareto_apply(t);
}

/* a: the current setting into the budget, or (front shown) the front's
 * point as the budget, which replaces an edited one only when asked. */
static int act_budget_apply(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	if (t->view != VIEW_PARETO)
		tui_budget_apply(t);
	else if (t->budget.dirty && t->budget.b.n > 0 && t->pareto.n > 0)
		tui_prompt_yesno(t, "replace the unsaved budget (w writes it) with this point?",
		    apply_confirmed);
	else
		tui_pareto_apply(t);
	return TUI_REDRAW;
}

/* Outside the budget pane (which clears one field), x clears the layer. */
static int act_budget_clear(struct tui_view *v, int arg)
{
	(void)arg;
	tui_budget_clear(v->t, 1);
	return TUI_REDRAW;
}

/* u, U / Ctrl-R: the budget before / after the last edit; redraws and
 * re-measures like any edit. */
static int act_undo(struct tui_view *v, int redo)
{
	if (redo)
		tui_budget_redo(v->t);
	else
		tui_budget_undo(v->t);
	return TUI_REDRAW;
}

static void write_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (tui_budget_file_write(t, path, &cause) != 0)
		tui_msg_fail(t, "write", cause);
	else
		tui_msg(t, 0, "wrote budget (%d layer%s) to %s", t->budget.b.n, t->budget.b.n == 1 ? "" : "s", path);
}

static int act_write(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	char *def = t->budget.path ? xstrdup(t->budget.path) : tui_budget_file_default_path(t, ".budget");
	tui_prompt_text(t, "write budget to", def, write_done);
	free(def);
	return TUI_REDRAW;
}

static void open_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (tui_budget_file_load(t, path, &cause) != 0)
		tui_msg_fail(t, "load", cause);
	else
		tui_msg(t, 0, "loaded %s (%d layer%s)", path, t->budget.b.n, t->budget.b.n == 1 ? "" : "s");
}

static void open_prompt(struct tui *t)
{
	char *def = t->budget.path ? xstrdup(t->budget.path) : tui_budget_file_default_path(t, ".budget");
	tui_prompt_text(t, "load budget from", def, open_done);
	free(def);
}

static void open_confirmed(struct tui *t, int ok, const char *text)
{
	(void)text;
	if (ok)
		open_prompt(t);
}

/* Opening a file replaces the budget: an edited one is not lost unasked. */
static int act_open(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	if (t->budget.dirty && t->budget.b.n > 0)
		tui_prompt_yesno(t, "the budget is not saved (w writes it); replace it?", open_confirmed);
	else
		open_prompt(t);
	return TUI_REDRAW;
}

static void export_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (ok && tui_budget_file_export(t, path, &cause) != 0)
		tui_msg_fail(t, "export", cause);
}

static int act_export(struct tui_view *v, int arg)
{
	(void)arg;
	char *def = tui_budget_file_default_path(v->t, "-budget.weights");
	tui_prompt_text(v->t, "export budgeted weights to", def, export_done);
	free(def);
	return TUI_REDRAW;
}

/* ---- the rest ------------------------------------------------------------------------- */

static void quit_done(struct tui *t, int ok, const char *text)
{
	(void)text;
	t->quit = ok;
}

/* Quitting loses an unsaved budget and a running scan's remaining cells
 * (its measured ones are not saved either): ask first. */
static int act_quit(struct tui_view *v, int arg)
{
	struct tui *t = v->t;
	(void)arg;
	int budget = t->budget.dirty && t->budget.b.n > 0;
	char q[160];
	if (t->scan.active) {
		int done, total;
		tui_heatmap_scan_progress(t, &done, &total);
		snprintf(q, sizeof q, "quit anyway? a heatmap scan runs (%d/%d cells, S saves them)%s", done, total,
		    budget ? "; the budget is not saved" : "");
	} else if (budget) {
		snprintf(q, sizeof q, "the budget is not saved (w writes it); quit anyway?");
	} else {
		return TUI_QUIT;
	}
	tui_prompt_yesno(t, q, quit_done);
	return TUI_REDRAW;
}

static int act_help(struct tui_view *v, int arg)
{
	(void)arg;
	v->show_help = 1;
	return TUI_REDRAW;
}

static int act_redraw(struct tui_view *v, int arg)
{
	(void)v;
	(void)arg;
	clearok(curscr, TRUE);
	return TUI_REDRAW;
}

/* Keys whose meaning depends on the focused pane are overridden by that
 * pane's table; the help here says both meanings. */
static const struct tui_key table[] = {
	{ KEY_UP, act_updown, -1, "Up Down k j", "select layer / field" },
	{ 'k', act_updown, -1, NULL, NULL },
	{ KEY_DOWN, act_updown, 1, NULL, NULL },
	{ 'j', act_updown, 1, NULL, NULL },
	{ KEY_LEFT, act_level, -1, "Left Right h l", "level / field value" },
	{ 'h', act_level, -1, NULL, NULL },
	{ KEY_RIGHT, act_level, 1, NULL, NULL },
	{ 'l', act_level, 1, NULL, NULL },
	{ KEY_PPAGE, act_page, -1, "PgUp PgDn", "page through layers" },
	{ KEY_NPAGE, act_page, 1, NULL, NULL },
	{ KEY_HOME, act_ends, 0, "Home End g G", "first / last layer" },
	{ 'g', act_ends, 0, NULL, NULL },
	{ KEY_END, act_ends, 1, NULL, NULL },
	{ 'G', act_ends, 1, NULL, NULL },
	{ '\t', act_focus, 1, "Tab S-Tab", "next / previous pane" },
	{ KEY_BTAB, act_focus, -1, NULL, NULL },
	{ '+', act_level, 1, "+ -  ] [", "level (budget: value)" },
	{ '=', act_level, 1, NULL, NULL },
	{ ']', act_level, 1, NULL, NULL },
	{ '-', act_level, -1, NULL, NULL },
	{ '[', act_level, -1, NULL, NULL },
	{ '>', act_kind, 1, "> <", "perturbation kind" },
	{ '.', act_kind, 1, NULL, NULL },
	{ '<', act_kind, -1, NULL, NULL },
	{ ',', act_kind, -1, NULL, NULL },
	{ '}', act_step, 1, "} {", "coarser / finer step" },
	{ '{', act_step, -1, NULL, NULL },
	{ 'r', act_seed, 1, "r", "next seed" },
	{ 't', act_trials, 1, "t T", "more / fewer trials" },
	{ 'T', act_trials, -1, NULL, NULL },
	{ '\r', act_measure, 0, "Enter", "measure again" },
	{ 'E', act_exact, 0, "E", "exact/adaptive measure" },
	{ '\n', act_measure, 0, NULL, NULL },
	{ KEY_ENTER, act_measure, 0, NULL, NULL },
	{ 'c', act_view, VIEW_CURVE, "c", "curve view" },
	{ 'M', act_mark, 0, "M", "mark layer: compare" },
	{ 'm', act_view, VIEW_HEATMAP, "m", "heatmap view" },
	{ 's', act_scan, 0, "s", "start / stop scan" },
	{ 'S', act_scan_save, 0, "S", "save heatmap csv/json/svg" },
	{ 'b', act_view, VIEW_BUDGET, "b", "budget builder" },
	{ 'a', act_budget_apply, 0, "a", "level/point to budget" },
	{ 'f', act_fill, 0, "f", "fill budget for target" },
	{ 'i', act_view, VIEW_CRITERIA, "i", "criteria vs measured" },
	{ 'R', act_rank, 0, "R", "load a safer rank file" },
	{ 'p', act_view, VIEW_PARETO, "p", "Pareto front view" },
	{ 'P', act_front, 0, "P", "new front (targets)" },
	{ 'v', act_view, VIEW_PICTURE, "v", "picture (detectors)" },
	{ 'C', act_view, VIEW_CLASSES, "C", "classes, flipped images" },
	{ 'n', act_image, 1, "n N", "next / previous image" },
	{ 'N', act_image, -1, NULL, NULL },
	{ 'W', act_image, 0, "W", "most changed image" },
	{ 'x', act_budget_clear, 0, "x X", "clear field / layer" },
	{ KEY_DC, act_budget_clear, 0, NULL, NULL },
	{ 'X', act_budget_clear, 1, NULL, NULL },
	{ 'u', act_undo, 0, "u U", "undo / redo budget" },
	{ 'U', act_undo, 1, NULL, NULL },
	{ CTRL('r'), act_undo, 1, NULL, NULL },
	{ 'w', act_write, 0, "w", "write budget file" },
	{ 'o', act_open, 0, "o", "open budget file" },
	{ 'e', act_export, 0, "e", "export budget weights" },
	{ 'z', act_tour, 1, "z Z", "tour: open, skip / back" },
	{ 'Z', act_tour, -1, NULL, NULL },
	{ '?', act_help, 0, "?", "this help" },
	{ CTRL('l'), act_redraw, 0, "Ctrl-L", "redraw" },
	{ 'q', act_quit, 0, "q", "quit" },
	{ 0, NULL, 0, NULL, NULL },
};

const struct tui_key_help *tui_keys_help(int *n)
{
	static struct tui_key_help help[sizeof table / sizeof table[0] + 1];
	static int count = -1;
	if (count < 0) {
		count = 0;
		for (const struct tui_key *k = table; k->fn; k++)
			if (k->keys)
				help[count++] = (struct tui_key_help){ k->keys, k->what };
		help[count++] = (struct tui_key_help){ "mouse", "click selects a layer" };
	}
	*n = count;
	return help;
}

static int mouse(struct tui_view *v)
{
	struct tui *t = v->t;
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return 0;
	if (ev.bstate & BUTTON4_PRESSED) {
		tui_select_layer(t, t->layer - 1);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		tui_select_layer(t, t->layer + 1);
	} else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		int layer = tui_pane_layers_hit(v, t, ev.y, ev.x);
		if (layer >= 0) {
			t->focus = PANE_LAYERS;
			tui_select_layer(t, layer);
		}
	}
	return TUI_REDRAW;
}

static const struct tui_key *lookup(const struct tui_key *table_, int ch)
{
	for (const struct tui_key *k = table_; k && k->fn; k++)
		if (k->key == ch)
			return k;
	return NULL;
}

int tui_keys_handle(struct tui_view *v, int ch)
{
	struct tui *t = v->t;
	if (tui_status_key(t, ch))
		return TUI_REDRAW;
	if (v->show_help && ch != KEY_RESIZE && ch != KEY_MOUSE) {
		/* ? turns the page (keys, glossary), any other key closes */
		v->show_help = ch == '?' ? 3 - v->show_help : 0;
		return TUI_REDRAW;
	}
	if (ch == KEY_RESIZE)	/* queued by resizeterm() in tui_term_resize: already done */
		return TUI_REDRAW;
	if (v->small) {		/* the "terminal too small" screen: only q acts */
		MEVENT ev;
		if (ch == KEY_MOUSE)
			getmouse(&ev);	/* dropped */
		return ch == 'q' ? act_quit(v, 0) : 0;
	}
	if (ch == KEY_MOUSE)
		return mouse(v);
	if (ch == ESC)
		return 0;
	const struct tui_key *k = lookup(tui_tabs_focused(t)->keys, ch);
	if (k == NULL)
		k = lookup(table, ch);
	if (k != NULL)
		return k->fn(v, k->arg);
	if (ch >= 32 && ch < 127)
		tui_msg(t, 0, "no command on '%c' (? lists the keys)", ch);
	return TUI_REDRAW;
}
