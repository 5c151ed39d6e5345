/* keys.c - the key table.  Handlers only change state (and ask jobs.c for
 * measurements); drawing happens later, from ui.c.  The help overlay lists
 * this same table, so it cannot forget a key. */
#include "tui/tui.h"
#include "core/util.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

typedef void (*key_fn)(struct tui *t, int arg);

struct binding {
	int key;
	key_fn fn;
	int arg;
	const char *keys, *what;	/* help text on the first key of a group */
};

static int budget_focused(const struct tui *t)
{
	return t->focus == PANE_VIEW && t->view == VIEW_BUDGET;
}

static int pareto_focused(const struct tui *t)
{
	return t->focus == PANE_VIEW && t->view == VIEW_PARETO;
}

static int page_rows(const struct tui *t)
{
	int n = t->r_layers.h - 4;
	return n > 1 ? n : 1;
}

/* ---- movement ----------------------------------------------------------------- */

static void act_updown(struct tui *t, int dir)
{
	if (t->focus == PANE_PERTURB) {
		int f = (int)t->field + dir;
		t->field = (enum perturb_field)(f < 0 ? 0 : f >= FIELD_COUNT ? FIELD_COUNT - 1 : f);
		t->dirty = 1;
		return;
	}
	tui_select_layer(t, t->layer + dir);
}

static void act_page(struct tui *t, int dir)
{
	tui_select_layer(t, t->layer + dir * page_rows(t));
}

static void act_ends(struct tui *t, int end)
{
	tui_select_layer(t, end ? t->model->n - 1 : 0);
}

static void act_level(struct tui *t, int dir)
{
	if (budget_focused(t)) {
		view_budget_change(t, dir);
		return;
	}
	if (pareto_focused(t)) {
		pareto_move(t, dir);
		return;
	}
	enum perturb_kind k = t->kind;
	tui_set_level(t, levels_move(k, t->step[k], t->level[k], dir));
}

static void act_side(struct tui *t, int dir)
{
	if (t->focus == PANE_PERTURB) {
		view_perturb_change(t, dir);
	} else if (budget_focused(t)) {
		int f = (int)t->budget.field + dir;
		t->budget.field = (enum budget_field)(f < 0 ? 0 : f >= BF_COUNT ? BF_COUNT - 1 : f);
		t->dirty = 1;
	} else if (pareto_focused(t)) {
		pareto_move(t, dir);
	} else {
		act_level(t, dir);
	}
}

static void act_focus(struct tui *t, int dir)
{
	t->focus = (enum tui_pane)((t->focus + PANE_COUNT + dir) % PANE_COUNT);
	t->dirty = 1;
}

/* ---- perturbation ---------------------------------------------------------------- */

static void act_kind(struct tui *t, int dir)
{
	tui_set_kind(t, (enum perturb_kind)((t->kind + PERTURB_KIND_COUNT + dir) % PERTURB_KIND_COUNT));
}

static void act_step(struct tui *t, int dir)
{
	enum perturb_kind k = t->kind;
	t->step[k] = levels_step_change(k, t->step[k], dir);
	tui_set_level(t, levels_snap(k, t->step[k], t->level[k]));
}

/* r, t, T: change one perturbation field without focusing the panel. */
static void change_field(struct tui *t, enum perturb_field f, int dir)
{
	enum perturb_field old = t->field;
	t->field = f;
	view_perturb_change(t, dir);
	t->field = old;
}

static void act_seed(struct tui *t, int dir)
{
	change_field(t, FIELD_SEED, dir);
}

static void act_trials(struct tui *t, int dir)
{
	change_field(t, FIELD_TRIALS, dir);
}

static void act_measure(struct tui *t, int arg)
{
	(void)arg;
	if (!t->model->layers[t->layer].has_weights)
		tui_msg(t, 1, "layer %d (%s) has no weights to perturb", t->layer, t->model->layers[t->layer].kind_name);
	jobs_request_live(t, 1);
	t->dirty = 1;
}

/* ---- views, scan ------------------------------------------------------------------- */

static void front_done(struct tui *t, int ok, const char *kind)
{
	if (ok)
		pareto_start(t, kind);
}

static void front_prompt(struct tui *t)
{
	prompt_text(t, "front over targets of (bits, sparsity, size, drop)",
	    t->pareto.last[0] ? t->pareto.last : "bits", front_done);
}

/* The budget and Pareto views take the keys (h/l, +/-); the same key again
 * goes back to where we were. */
static void act_view(struct tui *t, int view)
{
	int takes_keys = view == VIEW_BUDGET || view == VIEW_PARETO;
	if (takes_keys && t->view == (enum tui_view)view && t->focus == PANE_VIEW) {
		t->view = t->last_view;
		t->focus = PANE_LAYERS;
	} else {
		if (t->view != VIEW_BUDGET && t->view != VIEW_PARETO)
			t->last_view = t->view;
		t->view = (enum tui_view)view;
		if (takes_keys)
			t->focus = PANE_VIEW;
		if (view == VIEW_PARETO && t->pareto.n == 0)
			front_prompt(t);
	}
	t->dirty = 1;
	jobs_schedule(t);	/* the curve fills itself only while it is shown */
}

static void act_front(struct tui *t, int arg)
{
	(void)arg;
	if (t->view != VIEW_PARETO)
		act_view(t, VIEW_PARETO);
	if (!t->prompt.active)
		front_prompt(t);
}

static void fill_done(struct tui *t, int ok, const char *text)
{
	if (ok)
		autobudget_fill(t, text);
}

static void act_fill(struct tui *t, int arg)
{
	(void)arg;
	prompt_text(t, "fill the budget for target (bits=4, sparsity=0.6, size=200KB, drop=1.0)",
	    t->fill_last[0] ? t->fill_last : "bits=4", fill_done);
}

static void rank_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (crit_load(t, path, &cause) != 0)
		tui_fail(t, "rank", cause);
	else
		tui_msg(t, 0, "criteria: %d columns with %s", t->crit.table.ncols, path);
}

static void act_rank(struct tui *t, int arg)
{
	(void)arg;
	char *def = t->crit.rank_path ? xstrdup(t->crit.rank_path) : budgetio_default_path(t, "-rank.csv");
	prompt_text(t, "load criteria from a safer rank file", def, rank_done);
	free(def);
	if (t->view != VIEW_CRITERIA)
		act_view(t, VIEW_CRITERIA);
}

static void act_scan(struct tui *t, int arg)
{
	(void)arg;
	if (t->scan.active) {
		scan_stop(t, "scan stopped (s starts it again; measured cells are kept)");
		return;
	}
	if (t->view != VIEW_HEATMAP && t->view != VIEW_CRITERIA)
		act_view(t, VIEW_HEATMAP);
	scan_start(t);
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

static void scan_save_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (is_input(t, path))
		tui_msg(t, 1, "%s: refusing to overwrite an input file", path);
	else if (scan_save(t, path, &cause) != 0)
		tui_fail(t, "save", cause);
}

static void act_scan_save(struct tui *t, int arg)
{
	(void)arg;
	char def[256];
	snprintf(def, sizeof def, "%s-%s-scan.csv", t->cfg_base, perturb_kind_name(t->kind));
	prompt_text(t, "save heatmap (.csv or .json)", def, scan_save_done);
}

/* ---- budget -------------------------------------------------------------------------- */

static void act_budget_apply(struct tui *t, int arg)
{
	(void)arg;
	if (t->view == VIEW_PARETO)
		pareto_apply(t);
	else
		view_budget_apply(t);
}

static void act_budget_clear(struct tui *t, int whole)
{
	view_budget_clear(t, whole || !budget_focused(t));
}

static void write_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (budgetio_write(t, path, &cause) != 0)
		tui_fail(t, "write", cause);
	else
		tui_msg(t, 0, "wrote budget (%d layer%s) to %s", t->budget.b.n, t->budget.b.n == 1 ? "" : "s", path);
}

static void act_write(struct tui *t, int arg)
{
	(void)arg;
	char *def = t->budget.path ? xstrdup(t->budget.path) : budgetio_default_path(t, ".budget");
	prompt_text(t, "write budget to", def, write_done);
	free(def);
}

static void open_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (!ok)
		return;
	if (budgetio_load(t, path, &cause) != 0)
		tui_fail(t, "load", cause);
	else
		tui_msg(t, 0, "loaded %s (%d layer%s)", path, t->budget.b.n, t->budget.b.n == 1 ? "" : "s");
}

static void act_open(struct tui *t, int arg)
{
	(void)arg;
	char *def = t->budget.path ? xstrdup(t->budget.path) : budgetio_default_path(t, ".budget");
	prompt_text(t, "load budget from", def, open_done);
	free(def);
}

static void export_done(struct tui *t, int ok, const char *path)
{
	char *cause = NULL;
	if (ok && budgetio_export(t, path, &cause) != 0)
		tui_fail(t, "export", cause);
}

static void act_export(struct tui *t, int arg)
{
	(void)arg;
	char *def = budgetio_default_path(t, "-budget.weights");
	prompt_text(t, "export budgeted weights to", def, export_done);
	free(def);
}

/* ---- the rest ------------------------------------------------------------------------- */

static void quit_done(struct tui *t, int ok, const char *text)
{
	(void)text;
	t->quit = ok;
}

static void act_quit(struct tui *t, int arg)
{
	(void)arg;
	if (t->budget.dirty && t->budget.b.n > 0)
		prompt_yesno(t, "the budget is not saved (w writes it); quit anyway?", quit_done);
	else
		t->quit = 1;
}

static void act_help(struct tui *t, int arg)
{
	(void)arg;
	t->show_help = 1;
	t->dirty = 1;
}

static void act_redraw(struct tui *t, int arg)
{
	(void)arg;
	clearok(curscr, TRUE);
	t->dirty = 1;
}

static const struct binding table[] = {
	{ KEY_UP, act_updown, -1, "Up Down k j", "select layer / field" },
	{ 'k', act_updown, -1, NULL, NULL },
	{ KEY_DOWN, act_updown, 1, NULL, NULL },
	{ 'j', act_updown, 1, NULL, NULL },
	{ KEY_LEFT, act_side, -1, "Left Right h l", "level / field value" },
	{ 'h', act_side, -1, NULL, NULL },
	{ KEY_RIGHT, act_side, 1, NULL, NULL },
	{ 'l', act_side, 1, NULL, NULL },
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
	{ '\n', act_measure, 0, NULL, NULL },
	{ KEY_ENTER, act_measure, 0, NULL, NULL },
	{ 'c', act_view, VIEW_CURVE, "c", "curve view" },
	{ 'm', act_view, VIEW_HEATMAP, "m", "heatmap view" },
	{ 's', act_scan, 0, "s", "start / stop scan" },
	{ 'S', act_scan_save, 0, "S", "save heatmap csv/json" },
	{ 'b', act_view, VIEW_BUDGET, "b", "budget builder" },
	{ 'a', act_budget_apply, 0, "a", "level/point to budget" },
	{ 'f', act_fill, 0, "f", "fill budget for target" },
	{ 'i', act_view, VIEW_CRITERIA, "i", "criteria vs measured" },
	{ 'R', act_rank, 0, "R", "load a safer rank file" },
	{ 'p', act_view, VIEW_PARETO, "p", "Pareto front view" },
	{ 'P', act_front, 0, "P", "new front (targets)" },
	{ 'x', act_budget_clear, 0, "x X", "clear field / layer" },
	{ KEY_DC, act_budget_clear, 0, NULL, NULL },
	{ 'X', act_budget_clear, 1, NULL, NULL },
	{ 'w', act_write, 0, "w", "write budget file" },
	{ 'o', act_open, 0, "o", "open budget file" },
	{ 'e', act_export, 0, "e", "export budget weights" },
	{ '?', act_help, 0, "?", "this help" },
	{ CTRL('l'), act_redraw, 0, "Ctrl-L", "redraw" },
	{ 'q', act_quit, 0, "q", "quit" },
};
#define NBINDINGS ((int)(sizeof table / sizeof table[0]))

const struct key_help *keys_help(int *n)
{
	static struct key_help help[NBINDINGS + 1];
	static int count = -1;
	if (count < 0) {
		count = 0;
		for (int i = 0; i < NBINDINGS; i++)
			if (table[i].keys)
				help[count++] = (struct key_help){ table[i].keys, table[i].what };
		help[count++] = (struct key_help){ "mouse", "click selects a layer" };
	}
	*n = count;
	return help;
}

static void mouse(struct tui *t)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		tui_select_layer(t, t->layer - 1);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		tui_select_layer(t, t->layer + 1);
	} else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		int layer = view_layers_hit(t, ev.y, ev.x);
		if (layer >= 0) {
			t->focus = PANE_LAYERS;
			tui_select_layer(t, layer);
		}
	}
}

void keys_handle(struct tui *t, int ch)
{
	if (prompt_key(t, ch))
		return;
	if (t->show_help && ch != KEY_RESIZE && ch != KEY_MOUSE) {
		t->show_help = 0;	/* any key closes the overlay */
		t->dirty = 1;
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse(t);
		return;
	}
	if (ch == KEY_RESIZE) {	/* queued by resizeterm() in term_resize: already done */
		t->dirty = 1;
		return;
	}
	if (ch == ESC)
		return;
	for (int i = 0; i < NBINDINGS; i++)
		if (table[i].key == ch) {
			table[i].fn(t, table[i].arg);
			return;
		}
	if (ch >= 32 && ch < 127)
		tui_msg(t, 0, "no command on '%c' (? lists the keys)", ch);
}
