/* ui.c - the main loop and the screen layout.
 *
 * One poll() on stdin, the engine's wake fd, the signal pipe and the
 * gradient criteria's pipe; handlers change state and set t->dirty; the screen is redrawn from draw() only, at
 * most TUI_FPS times a second.  The loop never waits on inference.
 *
 * Layout (80x24 and up):
 *   +-- Layers (list, budget column, bars) --+-- Perturbation ---------+
 *   |                                        +-- Accuracy -------------+
 *   |                                        +-- Curve|Heatmap|Budget -+
 *   | budget totals                          |                         |
 *   +-- Detail: histograms, explanation (full width) ------------------+
 *   status line */
#include "tui/tui.h"
#include "core/util.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>

void tui_select_layer(struct tui *t, int layer)
{
	layer = layer < 0 ? 0 : layer >= t->model->n ? t->model->n - 1 : layer;
	if (layer != t->layer) {
		t->layer = layer;
		jobs_request_live(t, 0);
	}
	t->dirty = 1;
}

void tui_set_kind(struct tui *t, enum perturb_kind k)
{
	t->kind = k;
	jobs_request_live(t, 0);
	t->dirty = 1;
}

void tui_set_level(struct tui *t, double level)
{
	t->level[t->kind] = level;
	jobs_request_live(t, 0);
	t->dirty = 1;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void layout(struct tui *t)
{
	int rows = t->rows = LINES, cols = t->cols = COLS;
	t->small = rows < TUI_MIN_LINES || cols < TUI_MIN_COLS;
	t->r_status = (struct tui_rect){ rows - 1, 0, 1, cols - 1 };	/* never the last cell: no scroll */
	if (t->small)
		return;
	int detail = rows >= 40 ? 10 : rows >= 30 ? 7 : 6;
	int top = rows - 1 - detail;
	int left = clampi(cols * 54 / 100, 43, 66);
	int right = cols - left;
	int acc = top >= 22 ? 5 : 4;
	t->r_layers = (struct tui_rect){ 0, 0, top, left };
	t->r_perturb = (struct tui_rect){ 0, left, 3, right };
	t->r_acc = (struct tui_rect){ 3, left, acc, right };
	t->r_view = (struct tui_rect){ 3 + acc, left, top - 3 - acc, right };
	t->r_detail = (struct tui_rect){ top, 0, detail, cols };
}

/* Tab titles: all of them when they fit, else without gaps, else the three
 * first views plus the one shown (80 columns). */
static void view_tabs(struct tui *t, const struct tui_rect *r)
{
	static const char *const names[VIEW_COUNT] = { "Curve", "Heatmap", "Budget", "Criteria", "Pareto" };
	draw_title(t, r, "", 0);
	int gap = 1, core = VIEW_COUNT, x = 1;
	for (;;) {
		int w = 1;
		for (int v = 0; v < VIEW_COUNT; v++)
			if (v < core || t->view == (enum tui_view)v)
				w += draw_width(names[v]) + 2 + gap;
		if (w <= r->w || core == VIEW_CRITERIA)
			break;
		if (gap)
			gap = 0;
		else
			core = VIEW_CRITERIA;
	}
	for (int v = 0; v < VIEW_COUNT; v++) {
		if (v >= core && t->view != (enum tui_view)v)
			continue;
		int on = t->view == (enum tui_view)v;
		attr_t attr = on ? t->attr[t->focus == PANE_VIEW ? R_FOCUS : R_TITLE] | (t->focus == PANE_VIEW ? 0 : A_REVERSE)
			      : t->attr[R_DIM];
		draw_textf(r, 0, x, attr, " %s ", names[v]);
		x += draw_width(names[v]) + 2 + gap;
	}
	char ctx[64];
	snprintf(ctx, sizeof ctx, " %s ", perturb_kind_name(t->kind));
	if (x + draw_width(ctx) < r->w)
		draw_text(r, 0, r->w - draw_width(ctx) - 1, t->attr[R_DIM], ctx);
}

static void draw_view(struct tui *t)
{
	const struct tui_rect *r = &t->r_view;
	struct tui_rect body = { r->y + 1, r->x, r->h - 1, r->w };
	view_tabs(t, r);
	switch (t->view) {
	case VIEW_CURVE: view_curve_draw(t, &body); break;
	case VIEW_HEATMAP: view_heatmap_draw(t, &body); break;
	case VIEW_BUDGET: view_budget_draw(t, &body); break;
	case VIEW_CRITERIA: view_criteria_draw(t, &body); break;
	case VIEW_PARETO: view_pareto_draw(t, &body); break;
	default: break;
	}
}

static void draw_small(struct tui *t)
{
	char msg[96];
	snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d", t->cols, t->rows, TUI_MIN_COLS, TUI_MIN_LINES);
	struct tui_rect all = { 0, 0, t->rows, t->cols };
	int w = draw_width(msg), y = (t->rows - 1) / 2;
	draw_text(&all, y, w < t->cols ? (t->cols - w) / 2 : 0, t->attr[R_WARN], msg);
	if (y + 1 < t->rows - 1)
		draw_text(&all, y + 1, 0, t->attr[R_DIM], "enlarge the window, or q quits");
	if (t->prompt.active)
		view_status_draw(t);
}

static void draw(struct tui *t)
{
	layout(t);
	erase();
	if (t->small) {
		draw_small(t);
	} else {
		view_layers_draw(t);
		for (int y = 1; y < t->r_layers.h; y++)
			draw_text(&t->r_layers, y, t->r_layers.w - 1, t->attr[R_DIM], t->g.vline);
		view_perturb_draw(t);
		view_accuracy_draw(t);
		draw_view(t);
		view_detail_draw(t);
		view_status_draw(t);
		if (t->show_help)
			view_help_draw(t);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void on_signals(struct tui *t)
{
	int sig;
	while ((sig = term_signal_take()) != 0) {
		if (sig == SIGWINCH) {
			term_resize(t);
		} else {
			t->quit = 1;
			t->exit_status = 128 + sig;
		}
	}
}

static void read_keys(struct tui *t)
{
	int ch;
	while (!t->quit && (ch = getch()) != ERR) {
		keys_handle(t, ch);
		t->dirty = 1;
	}
}

int tui_run(struct tui *t)
{
	double next_draw = 0;
	t->dirty = 1;
	while (!t->quit) {
		double now = now_seconds();
		if (t->dirty && now >= next_draw) {
			draw(t);
			t->dirty = 0;
			next_draw = now + 1.0 / TUI_FPS;
		}
		int timeout = t->dirty ? (int)((next_draw - now) * 1000) + 1 : -1;
		struct pollfd fds[4] = {
			{ term_input_fd(), POLLIN, 0 },
			{ engine_wake_fd(t->eng), POLLIN, 0 },
			{ term_signal_fd(), POLLIN, 0 },
			{ crit_wake_fd(t), POLLIN, 0 },	/* -1 (ignored) when idle */
		};
		if (poll(fds, 4, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents & POLLIN)
			on_signals(t);
		if (fds[1].revents & POLLIN)
			jobs_on_wake(t);
		if (fds[3].revents & POLLIN)
			crit_background_done(t);
		if (fds[0].revents & POLLIN)
			read_keys(t);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			t->quit = 1;	/* the terminal went away */
			t->exit_status = 128 + SIGHUP;
		}
	}
	return t->exit_status;
}
