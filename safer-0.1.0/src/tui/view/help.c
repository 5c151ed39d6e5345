/* help.c - the `?` overlay: every key from the key table, in one or two
 * columns depending on the room. */
#include "tui/view/help.h"
#include "tui/view/draw.h"
#include "tui/view/keys.h"

#include <curses.h>

#define KEYS_W 15	/* key names are at most 14 columns, descriptions 22 */

void tui_help_draw(const struct tui_view *v)
{
	int n;
	const struct tui_key_help *h = tui_keys_help(&n);
	int cols = v->rows - 4 >= n + 2 ? 1 : 2;
	int per = (n + cols - 1) / cols;
	int colw = cols == 1 ? 50 : (v->cols - 3) / 2;
	struct tui_rect box = { 0, 0, per + 4, cols == 1 ? colw + 3 : v->cols };
	if (box.w > v->cols)
		box.w = v->cols;
	if (box.h > v->rows - 1)
		box.h = v->rows - 1;
	box.y = (v->rows - 1 - box.h) / 2;
	box.x = (v->cols - box.w) / 2;
	tui_draw_clear(&box);
	struct tui_rect in = { box.y + 1, box.x + 1, box.h - 2, box.w - 2 };
	tui_draw_title(v, &box, "Keys (any key closes)", 1);
	for (int i = 0; i < n; i++) {
		int y = 1 + i % per, x = 1 + (i / per) * colw;
		tui_draw_text(&in, y, x, v->attr[R_TITLE], h[i].keys);
		tui_draw_text(&in, y, x + KEYS_W, A_NORMAL, h[i].what);
	}
	for (int x = 0; x < box.w; x++)
		tui_draw_text(&box, box.h - 1, x, v->attr[R_DIM], v->g.hline);
}
