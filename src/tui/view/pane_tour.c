/* pane_tour.c - the guided tour's step, drawn where the detail pane is while
 * the tour is on: its title and number, what to press, what to notice,
 * word-wrapped to the width (the text is tour.c's table). */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/tour.h"

#include <stdio.h>
#include <string.h>

/* Draws s from row y wrapped at spaces within w columns, the first line
 * after a label; returns the next row.  Stops at the rect's bottom (the
 * last line cut with the ellipsis). */
static int wrap(const struct tui_rect *r, int y, const char *label, attr_t lattr, const char *s)
{
	int lw = tui_draw_width(label), w = r->w - lw - 1;
	tui_draw_text(r, y, 0, lattr, label);
	while (*s && y < r->h) {
		int n = (int)strlen(s), cut = n;
		if (tui_draw_width(s) > w && y < r->h - 1) {
			cut = 0;	/* the last space that fits (text is ASCII) */
			for (int i = 0; i < n && i <= w; i++)
				if (s[i] == ' ')
					cut = i;
			if (cut == 0)
				cut = w;
		}
		char line[256];
		snprintf(line, sizeof line, "%.*s", cut < (int)sizeof line - 1 ? cut : (int)sizeof line - 1, s);
		tui_draw_text_fit(r, y, lw + 1, w, A_NORMAL, line);
		s += cut;
		while (*s == ' ')
			s++;
		y++;
	}
	return y;
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct tui_tour_step *s = tui_tour_get(t->tour.step);
	char title[160];
	snprintf(title, sizeof title, "Tour %d/%d %s %s (z skips, Z back)", t->tour.step + 1, tui_tour_count(),
	    v->g.dot, s->title);
	tui_draw_title(v, r, title, 1);
	struct tui_rect in = { r->y + 1, r->x + 1, r->h - 1, r->w - 2 };
	int y = wrap(&in, 0, "Do:", v->attr[R_ACCENT], s->todo);
	wrap(&in, y, "Notice:", v->attr[R_GOOD], s->notice);
}

static void explain(const struct tui *t, char *buf, size_t size)
{
	const struct tui_tour_step *s = tui_tour_get(t->tour.step);
	snprintf(buf, size, "tour step %d of %d: %s; it moves on when you have done it", t->tour.step + 1,
	    tui_tour_count(), s->title);
}

const struct tui_pane tui_pane_tour = { "Tour", draw, NULL, NULL, explain };
