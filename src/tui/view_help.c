/* view_help.c - the `?` overlay: every key from the key table, in one or two
 * columns depending on the room. */
#include "tui/tui.h"

#include <curses.h>

#define KEYS_W 15	/* key names are at most 14 columns, descriptions 22 */

void view_help_draw(struct tui *t)
{
	int n;
	const struct key_help *h = keys_help(&n);
	int cols = t->rows - 4 >= n + 2 ? 1 : 2;
	int per = (n + cols - 1) / cols;
	int colw = cols == 1 ? 50 : (t->cols - 3) / 2;
	struct tui_rect box = { 0, 0, per + 4, cols == 1 ? colw + 3 : t->cols };
	if (box.w > t->cols)
		box.w = t->cols;
	if (box.h > t->rows - 1)
		box.h = t->rows - 1;
	box.y = (t->rows - 1 - box.h) / 2;
	box.x = (t->cols - box.w) / 2;
	draw_clear(&box);
	struct tui_rect in = { box.y + 1, box.x + 1, box.h - 2, box.w - 2 };
	draw_title(t, &box, "Keys (any key closes)", 1);
	for (int i = 0; i < n; i++) {
		int y = 1 + i % per, x = 1 + (i / per) * colw;
		draw_text(&in, y, x, t->attr[R_TITLE], h[i].keys);
		draw_text(&in, y, x + KEYS_W, A_NORMAL, h[i].what);
	}
	for (int x = 0; x < box.w; x++)
		draw_text(&box, box.h - 1, x, t->attr[R_DIM], t->g.hline);
}
