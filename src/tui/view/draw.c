/* draw.c - clipped text, pane titles and bars on stdscr.  Every string drawn
 * is UTF-8 with one column per code point (box, block and braille characters
 * only), or plain ASCII when the locale is not UTF-8. */
#include "tui/view/draw.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *ellipsis = "...";

void tui_draw_set_utf8(int utf8)
{
	ellipsis = utf8 ? "\xe2\x80\xa6" : "...";	/* U+2026 */
}

int tui_draw_width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Bytes of s that fill at most `cols` columns. */
static int bytes_for(const char *s, int cols)
{
	int i = 0, c = 0;
	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && c++ == cols)
			break;
		i++;
	}
	return i;
}

/* Whether s holds more than blanks from byte i on. */
static int more_than_blanks(const char *s)
{
	for (; *s; s++)
		if (*s != ' ')
			return 1;
	return 0;
}

void tui_draw_text_fit(const struct tui_rect *r, int y, int x, int w, attr_t attr, const char *s)
{
	if (y < 0 || y >= r->h || x < 0 || x >= r->w)
		return;
	if (w > r->w - x)
		w = r->w - x;
	if (w <= 0)
		return;
	int n = bytes_for(s, w);
	attrset(attr);
	if (s[n] != '\0' && more_than_blanks(s + n)) {
		int ew = tui_draw_width(ellipsis), keep = w > ew ? w - ew : 0;
		mvaddnstr(r->y + y, r->x + x, s, bytes_for(s, keep));
		mvaddnstr(r->y + y, r->x + x + keep, ellipsis, bytes_for(ellipsis, w - keep));
	} else {
		mvaddnstr(r->y + y, r->x + x, s, n);
	}
	attrset(A_NORMAL);
}

void tui_draw_text(const struct tui_rect *r, int y, int x, attr_t attr, const char *s)
{
	tui_draw_text_fit(r, y, x, r->w - x, attr, s);
}

char *tui_draw_pick(char *buf, size_t size, int w, int n, const char *const *cand)
{
	int i = 0;
	while (i < n - 1 && tui_draw_width(cand[i]) > w)
		i++;
	snprintf(buf, size, "%s", cand[i]);
	return buf;
}

void tui_draw_textf(const struct tui_rect *r, int y, int x, attr_t attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tui_draw_text(r, y, x, attr, buf);
}

void tui_draw_clear(const struct tui_rect *r)
{
	for (int y = 0; y < r->h; y++) {
		move(r->y + y, r->x);
		for (int x = 0; x < r->w; x++)
			addch(' ');
	}
}

void tui_draw_title(const struct tui_view *v, const struct tui_rect *r, const char *title, int focused)
{
	for (int x = 0; x < r->w; x++)
		tui_draw_text(r, 0, x, v->attr[R_DIM], v->g.hline);
	char buf[256];
	snprintf(buf, sizeof buf, " %s ", title);
	tui_draw_text(r, 0, 1, v->attr[focused ? R_FOCUS : R_TITLE], buf);
}

/* A bar of w cells filled to frac, with eighth-cell resolution. */
void tui_draw_hbar(const struct tui_view *v, const struct tui_rect *r, int y, int x, int w, double frac, attr_t attr,
    const char *empty)
{
	if (!(frac > 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	int eighths = (int)(frac * w * 8 + 0.5);
	for (int i = 0; i < w; i++) {
		int e = eighths - 8 * i;
		if (e <= 0)
			tui_draw_text(r, y, x + i, v->attr[R_DIM], empty);
		else
			tui_draw_text(r, y, x + i, attr, v->g.eighths[e > 8 ? 8 : e]);
	}
}

/* Drop buckets (percentage points) shared by the heatmap, bars and legend. */
int tui_draw_heat_glyph(double drop)
{
	return drop < 1 ? 1 : drop < 5 ? 2 : drop < 20 ? 3 : 4;
}

int tui_draw_heat_role(double drop)
{
	return R_HEAT0 + tui_draw_heat_glyph(drop) - 1;
}
