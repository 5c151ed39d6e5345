/* canvas.c - a dot canvas for the curve: 2x4 braille dots per cell in UTF-8,
 * one character per cell in ASCII.  Each cell keeps the strongest class drawn
 * into it, which picks its colour (and its character in ASCII). */
#include "tui/view/canvas.h"
#include "tui/view/draw.h"
#include "core/util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

void tui_canvas_init(struct tui_canvas *c, int w, int h, int utf8)
{
	c->w = w > 0 ? w : 0;
	c->h = h > 0 ? h : 0;
	c->utf8 = utf8;
	c->pw = c->w * (utf8 ? 2 : 1);
	c->ph = c->h * (utf8 ? 4 : 1);
	size_t cells = (size_t)c->w * (size_t)c->h;
	c->dots = xcalloc(cells ? cells : 1, 1);
	c->cls = xcalloc(cells ? cells : 1, 1);
}

void tui_canvas_free(struct tui_canvas *c)
{
	free(c->dots);
	free(c->cls);
	memset(c, 0, sizeof *c);
}

void tui_canvas_dot(struct tui_canvas *c, int x, int y, enum canvas_class cls)
{
	/* braille bit of dot (dx, dy): columns 0-1, rows 0-3 */
	static const unsigned char bit[4][2] = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } };
	if (x < 0 || y < 0 || x >= c->pw || y >= c->ph)
		return;
	int cx = c->utf8 ? x / 2 : x, cy = c->utf8 ? y / 4 : y;
	size_t i = (size_t)cy * (size_t)c->w + (size_t)cx;
	c->dots[i] |= c->utf8 ? bit[y % 4][x % 2] : 1;
	if (cls > c->cls[i])
		c->cls[i] = (unsigned char)cls;
}

void tui_canvas_line(struct tui_canvas *c, int x0, int y0, int x1, int y1, enum canvas_class cls)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
	for (;;) {
		tui_canvas_dot(c, x0, y0, cls);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* Four colours apart from the selected curve's green and yellow, and four
 * glyphs that tell the curves apart without colour. */
static const int mark_roles[4] = { R_TITLE, R_ACCENT, R_HEAT3, R_NORMAL };
static const char *const mark_glyphs[4] = { "+", "x", "o", "#" };

int tui_canvas_mark_role(int slot)
{
	return mark_roles[slot & 3];
}

const char *tui_canvas_mark_glyph(int slot)
{
	return mark_glyphs[slot & 3];
}

static int class_role(int cls)
{
	if (cls >= CV_MARK0 && cls <= CV_MARK3)
		return tui_canvas_mark_role(cls - CV_MARK0);
	switch (cls) {
	case CV_BASE: return R_DIM;
	case CV_CURSOR: return R_ACCENT;
	case CV_LINE: return R_GOOD;
	case CV_POINT: return R_WARN;
	default: return R_NORMAL;
	}
}

void tui_canvas_draw(const struct tui_canvas *c, const struct tui_view *v, const struct tui_rect *r, int y, int x)
{
	static const char ascii[CV_COUNT] = { ' ', '-', '|', '+', 'x', 'o', '#', '.', '*' };
	for (int cy = 0; cy < c->h; cy++)
		for (int cx = 0; cx < c->w; cx++) {
			size_t i = (size_t)cy * (size_t)c->w + (size_t)cx;
			if (c->dots[i] == 0)
				continue;
			char s[4];
			if (c->utf8) {	/* U+2800 + bits, in UTF-8 */
				s[0] = (char)0xE2;
				s[1] = (char)(0xA0 | (c->dots[i] >> 6));
				s[2] = (char)(0x80 | (c->dots[i] & 0x3F));
				s[3] = '\0';
			} else {
				s[0] = ascii[c->cls[i]];
				s[1] = '\0';
			}
			tui_draw_text(r, y + cy, x + cx, v->attr[class_role(c->cls[i])], s);
		}
}
