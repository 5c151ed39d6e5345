/* view.h - the explorer on the terminal (curses): the screen's geometry,
 * colours and glyphs, and the pane descriptor.
 *
 * A pane is a const descriptor: its name (the tab title), a draw function
 * that reads the state as const, the key table tried first while it has the
 * focus (then the global one, keys.c), and the line of key hints it shows.
 * Key handlers change the state and return what must happen next (TUI_REDRAW,
 * TUI_RESCHEDULE, TUI_QUIT); the loop (loop.c) then schedules engine work and
 * redraws, each from one place. */
#ifndef SAFER_TUI_VIEW_H
#define SAFER_TUI_VIEW_H

#include <curses.h>

#include "tui/state/types.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24
#define TUI_FPS 20

struct tui_rect {
	int y, x, h, w;
};

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

struct tui_view {
	struct tui *t;		/* borrowed: handlers change it, panes draw from it */
	struct tui_glyphs g;
	attr_t attr[R_ROLE_COUNT];
	int rows, cols, small;
	struct tui_rect r_layers, r_perturb, r_acc, r_view, r_detail, r_status;
	int top;		/* first layer row shown */
	int heat_top;		/* first heatmap row shown */
	int show_help;
};

/* What a key handler asks for. */
enum { TUI_REDRAW = 1, TUI_RESCHEDULE = 2, TUI_QUIT = 4 };

typedef int (*tui_key_fn)(struct tui_view *v, int arg);

struct tui_key {
	int key;
	tui_key_fn fn;		/* NULL ends a table */
	int arg;
	const char *keys, *what;	/* help text on the first key of a group */
};

struct tui_pane {
	const char *name;
	/* Draws into r from the state; may only move the view's own scrolling. */
	void (*draw)(struct tui_view *v, const struct tui *t, const struct tui_rect *r);
	const struct tui_key *keys;	/* tried before the global table when focused, or NULL */
	const char *help;		/* the key hints the pane shows, or NULL */
	/* One line on what the focused element is (the status line shows it
	 * when there is no message), or NULL. */
	void (*explain)(const struct tui *t, char *buf, size_t size);
};

#endif
