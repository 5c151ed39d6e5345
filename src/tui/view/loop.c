/* loop.c - the main loop and the screen layout.
 *
 * One poll() on stdin, the engine's wake fd, the signal pipe and the
 * gradient criteria's pipe.  Handlers change state and return flags; at the
 * top of each iteration the loop lets the scheduler pull engine work when
 * something asked for it (t->resched), then redraws from draw() only, at
 * most TUI_FPS times a second.  The loop never waits on inference.
 *
 * Layout (80x24 and up):
 *   +-- Layers (list, budget column, bars) --+-- Perturbation ---------+
 *   |                                        +-- Accuracy -------------+
 *   |                                        +-- Curve|Heatmap|Budget -+
 *   | budget totals                          |                         |
 *   +-- Detail: histograms, explanation (full width) ------------------+
 *   status line */
#include "tui/view/loop.h"
#include "tui/view/draw.h"
#include "tui/view/help.h"
#include "tui/view/keys.h"
#include "tui/view/panes.h"
#include "tui/view/tabs.h"
#include "tui/view/status.h"
#include "tui/view/term.h"
#include "tui/state/crit.h"
#include "tui/state/gallery.h"
#include "tui/state/jobs.h"
#include "tui/state/state.h"
#include "core/util.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void layout(struct tui_view *v)
{
	int rows = v->rows = LINES, cols = v->cols = COLS;
	v->small = rows < TUI_MIN_LINES || cols < TUI_MIN_COLS;
	v->r_status = (struct tui_rect){ rows - 1, 0, 1, cols - 1 };	/* never the last cell: no scroll */
	if (v->small)
		return;
	int detail = rows >= 40 ? 10 : rows >= 30 ? 7 : 6;
	if (v->t->view == VIEW_PICTURE)
		detail = 0;	/* the picture takes the histograms' rows */
	int top = rows - 1 - detail;
	int left = clampi(cols * 54 / 100, 43, 66);
	int right = cols - left;
	int acc = top >= 22 ? 5 : 4;
	v->r_layers = (struct tui_rect){ 0, 0, top, left };
	v->r_perturb = (struct tui_rect){ 0, left, 3, right };
	v->r_acc = (struct tui_rect){ 3, left, acc, right };
	v->r_view = (struct tui_rect){ 3 + acc, left, top - 3 - acc, right };
	v->r_detail = (struct tui_rect){ top, 0, detail, cols };
}

/* The picture's tab only for a detector: a classifier's tabs stay as they were. */
static int shown_tab(const struct tui *t, int i)
{
	return (i != VIEW_PICTURE || t->gallery.on) && (i != VIEW_CLASSES || t->classes.on);
}

/* Tab titles: all of them when they fit, else without gaps, else the three
 * first views plus the one shown (80 columns). */
static void view_tabs(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	tui_draw_title(v, r, "", 0);
	int gap = 1, core = VIEW_COUNT, x = 1;
	for (;;) {
		int w = 1;
		for (int i = 0; i < VIEW_COUNT; i++)
			if ((i < core && shown_tab(t, i)) || t->view == (enum tui_tab)i)
				w += tui_draw_width(tui_tabs[i]->name) + 2 + gap;
		if (w <= r->w || core == VIEW_CRITERIA)
			break;
		if (gap)
			gap = 0;
		else
			core = VIEW_CRITERIA;
	}
	for (int i = 0; i < VIEW_COUNT; i++) {
		if ((i >= core || !shown_tab(t, i)) && t->view != (enum tui_tab)i)
			continue;
		int on = t->view == (enum tui_tab)i;
		attr_t attr = on ? v->attr[t->focus == PANE_VIEW ? R_FOCUS : R_TITLE] | (t->focus == PANE_VIEW ? 0 : A_REVERSE)
			      : v->attr[R_DIM];
		tui_draw_textf(r, 0, x, attr, " %s ", tui_tabs[i]->name);
		x += tui_draw_width(tui_tabs[i]->name) + 2 + gap;
	}
	char ctx[64];
	snprintf(ctx, sizeof ctx, " %s ", perturb_kind_name(t->kind));
	if (x + tui_draw_width(ctx) < r->w)
		tui_draw_text(r, 0, r->w - tui_draw_width(ctx) - 1, v->attr[R_DIM], ctx);
}

static void draw_small(const struct tui_view *v, const struct tui *t)
{
	char msg[96];
	snprintf(msg, sizeof msg, "terminal too small: %dx%d, need %dx%d", v->cols, v->rows, TUI_MIN_COLS, TUI_MIN_LINES);
	struct tui_rect all = { 0, 0, v->rows, v->cols };
	int w = tui_draw_width(msg), y = (v->rows - 1) / 2;
	tui_draw_text(&all, y, w < v->cols ? (v->cols - w) / 2 : 0, v->attr[R_WARN], msg);
	if (y + 1 < v->rows - 1)
		tui_draw_text(&all, y + 1, 0, v->attr[R_DIM], "enlarge the window, or q quits");
	if (t->prompt.active)
		tui_status_draw(v, t);
}

static void draw(struct tui_view *v, const struct tui *t)
{
	layout(v);
	erase();
	if (v->small) {
		draw_small(v, t);
	} else {
		const struct tui_rect *r = &v->r_view;
		struct tui_rect body = { r->y + 1, r->x, r->h - 1, r->w };
		tui_pane_layers.draw(v, t, &v->r_layers);
		for (int y = 1; y < v->r_layers.h; y++)
			tui_draw_text(&v->r_layers, y, v->r_layers.w - 1, v->attr[R_DIM], v->g.vline);
		tui_pane_perturb.draw(v, t, &v->r_perturb);
		tui_pane_accuracy.draw(v, t, &v->r_acc);
		view_tabs(v, t, r);
		tui_tabs[t->view]->draw(v, t, &body);
		if (v->r_detail.h > 0)	/* the tour's step takes the detail's place */
			(t->tour.on ? &tui_pane_tour : &tui_pane_detail)->draw(v, t, &v->r_detail);
		tui_status_draw(v, t);
		if (v->show_help)
			tui_help_draw(v);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void on_signals(struct tui_view *v)
{
	struct tui *t = v->t;
	int sig;
	while ((sig = tui_term_signal_take()) != 0) {
		if (sig == SIGWINCH) {
			tui_term_resize(v);
		} else {
			t->quit = 1;
			t->exit_status = 128 + sig;
		}
	}
}

static void read_keys(struct tui_view *v)
{
	struct tui *t = v->t;
	int ch;
	while (!t->quit && (ch = getch()) != ERR) {
		int flags = tui_keys_handle(v, ch);
		t->dirty = 1;
		if (flags & TUI_RESCHEDULE)
			t->resched = 1;
		if (flags & TUI_QUIT)
			t->quit = 1;
	}
}

int tui_loop_run(struct tui_view *v)
{
	struct tui *t = v->t;
	double next_draw = 0;
	t->dirty = 1;
	t->resched = 1;
	while (!t->quit) {
		if (t->resched)
			tui_jobs_schedule(t);	/* the one place engine work is asked for */
		double now = now_seconds();
		if (t->dirty && now >= next_draw) {
			tui_state_refresh(t);
			draw(v, t);
			t->dirty = 0;
			next_draw = now + 1.0 / TUI_FPS;
		}
		int timeout = t->dirty ? (int)((next_draw - now) * 1000) + 1 : -1;
		struct pollfd fds[4] = {
			{ tui_term_input_fd(), POLLIN, 0 },
			{ engine_wake_fd(t->eng), POLLIN, 0 },
			{ tui_term_signal_fd(), POLLIN, 0 },
			{ tui_crit_wake_fd(t), POLLIN, 0 },	/* -1 (ignored) when idle */
		};
		if (poll(fds, 4, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[2].revents & POLLIN)
			on_signals(v);
		if (fds[1].revents & POLLIN)
			tui_jobs_on_wake(t);
		if (fds[3].revents & POLLIN)
			tui_crit_background_done(t);
		if (fds[0].revents & POLLIN)
			read_keys(v);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			t->quit = 1;	/* the terminal went away */
			t->exit_status = 128 + SIGHUP;
		}
	}
	return t->exit_status;
}
