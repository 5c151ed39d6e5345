/* picture.c - see picture.h.  Colour pairs for the image's cells come from
 * alloc_pair (ncurses 6.1): one per (upper, lower) colour couple, reused
 * across frames; when a frame could run out of pairs, the ones allocated
 * here are freed first and the screen repainted (so no cell keeps a pair
 * whose colours changed under it). */
#include "tui/view/picture.h"

#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(NCURSES_EXT_FUNCS) && NCURSES_EXT_FUNCS >= 20180127
#define HAVE_ALLOC_PAIR 1
#else
#define HAVE_ALLOC_PAIR 0
#endif

static const char ramp[] = " .:-=+*#%@";
static const char *const glyph_utf8[2][6] = {	/* top-left, top, top-right, side, bottom-left, bottom-right */
	{ "┌", "─", "┐", "│", "└", "┘" },
	{ "┏", "━", "┓", "┃", "┗", "┛" },
};
static const char *const glyph_ascii[2][6] = {
	{ "+", "-", "+", "|", "+", "+" },
	{ "#", "=", "#", "!", "#", "#" },
};

/* ---- colour ---------------------------------------------------------------- */

enum tui_picture_mode tui_picture_mode(const struct tui_view *v)
{
	const char *nc = getenv("NO_COLOR");
	if (!HAVE_ALLOC_PAIR || !has_colors() || (nc && *nc) || COLOR_PAIRS < 256)
		return PICTURE_RAMP;
	if (tigetflag("RGB") > 0 || COLORS >= 0x1000000)
		return PICTURE_RGB;
	(void)v;
	return COLORS >= 256 ? PICTURE_256 : PICTURE_RAMP;
}

const char *tui_picture_mode_name(enum tui_picture_mode m)
{
	return m == PICTURE_RGB ? "true colour" : m == PICTURE_256 ? "256 colours" : "grey characters";
}

/* xterm's 6x6x6 cube levels and 24 greys (8, 18, ..., 238) */
static int cube_level(int c)
{
	return c < 48 ? 0 : c < 115 ? 1 : (c - 35) / 40;
}

static int colour_256(unsigned rgb)
{
	int r = (int)(rgb >> 16 & 255), g = (int)(rgb >> 8 & 255), b = (int)(rgb & 255);
	static const int lv[6] = { 0, 95, 135, 175, 215, 255 };
	int qr = cube_level(r), qg = cube_level(g), qb = cube_level(b);
	int dc = (r - lv[qr]) * (r - lv[qr]) + (g - lv[qg]) * (g - lv[qg]) + (b - lv[qb]) * (b - lv[qb]);
	int mean = (r + g + b) / 3, gi = mean < 8 ? 0 : mean > 238 ? 23 : (mean - 8 + 5) / 10, gv = 8 + 10 * gi;
	int dg = (r - gv) * (r - gv) + (g - gv) * (g - gv) + (b - gv) * (b - gv);
	return dg < dc ? 232 + gi : 16 + 36 * qr + 6 * qg + qb;
}

static int colour_of(enum tui_picture_mode m, unsigned rgb)
{
	return m == PICTURE_RGB ? (int)rgb : colour_256(rgb);
}

#if HAVE_ALLOC_PAIR
static struct {
	int *pair;
	int n, cap;
} mine;

static int pair_of(enum tui_picture_mode m, unsigned fg, unsigned bg)
{
	int f = colour_of(m, fg), b = colour_of(m, bg), p = find_pair(f, b);
	if (p > 0)
		return p;
	p = alloc_pair(f, b);
	if (p <= 0)
		return 0;
	if (mine.n == mine.cap) {
		mine.cap = mine.cap ? 2 * mine.cap : 1024;
		int *grown = realloc(mine.pair, (size_t)mine.cap * sizeof *grown);
		if (grown == NULL)
			return p;	/* untracked: freed by nobody, harmless */
		mine.pair = grown;
	}
	mine.pair[mine.n++] = p;
	return p;
}

/* Room for `cells` more pairs, else free ours (theme pairs stay). */
static void pairs_reserve(int cells)
{
	if (mine.n + cells < COLOR_PAIRS - 64)
		return;
	for (int i = 0; i < mine.n; i++)
		free_pair(mine.pair[i]);
	mine.n = 0;
	clearok(curscr, TRUE);
}
#else
static int pair_of(enum tui_picture_mode m, unsigned fg, unsigned bg)
{
	(void)m, (void)fg, (void)bg;
	return 0;
}

static void pairs_reserve(int cells)
{
	(void)cells;
}
#endif

/* Text at screen (y, x) in an extended colour pair (0: the attributes alone). */
static void put(int y, int x, const char *s, attr_t attr, int pair)
{
	if (pair > 0)
		attr_set(attr, 0, &pair);
	else
		attrset(attr);
	mvaddstr(y, x, s);
	attrset(A_NORMAL);
}

/* ---- pixels ---------------------------------------------------------------- */

int tui_picture_fit(const struct tui_rect *r, int pw, int ph, struct tui_picture_fit *f)
{
	memset(f, 0, sizeof *f);
	if (r->w < 2 || r->h < 1 || pw < 1 || ph < 1)
		return 0;
	double s = fmin((double)r->w / pw, 2.0 * r->h / ph);
	f->vw = (int)fmax(1, floor(pw * s));
	f->vh = (int)fmax(1, floor(ph * s));
	f->w = f->vw;
	f->h = (f->vh + 1) / 2;
	f->x = (r->w - f->w) / 2;
	f->y = (r->h - f->h) / 2;
	f->pw = pw;
	f->ph = ph;
	return 1;
}

/* The mean colour of virtual pixels (vx, vy0..vy1-1), box-filtered from the image. */
static unsigned sample(const float *chw, const struct tui_picture_fit *f, int vx, int vy0, int vy1)
{
	int x0 = vx * f->pw / f->vw, x1 = (vx + 1) * f->pw / f->vw;
	int y0 = vy0 * f->ph / f->vh, y1 = vy1 * f->ph / f->vh;
	if (x1 <= x0)
		x1 = x0 + 1;
	if (y1 <= y0)
		y1 = y0 + 1;
	if (y1 > f->ph)
		y1 = f->ph;
	unsigned rgb = 0;
	size_t plane = (size_t)f->pw * f->ph;
	for (int c = 0; c < 3; c++) {
		double sum = 0;
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++)
				sum += chw[c * plane + (size_t)y * f->pw + x];
		double m = sum / ((double)(x1 - x0) * (y1 - y0));
		int q = (int)lround(255 * fmin(1, fmax(0, m)));
		rgb = rgb << 8 | (unsigned)q;
	}
	return rgb;
}

/* The colour of the cell's lower half (its upper half when it has none). */
static unsigned cell_bg(const float *chw, const struct tui_picture_fit *f, int cx, int cy)
{
	int lower = 2 * cy + 1 < f->vh ? 2 * cy + 1 : 2 * cy;
	return sample(chw, f, cx, lower, lower + 1);
}

static double luminance(unsigned rgb)
{
	return (0.2126 * (rgb >> 16 & 255) + 0.7152 * (rgb >> 8 & 255) + 0.0722 * (rgb & 255)) / 255;
}

void tui_picture_draw(const struct tui_view *v, const struct tui_rect *r, const float *chw, const struct tui_picture_fit *f)
{
	enum tui_picture_mode m = tui_picture_mode(v);
	int half = v->g.utf8 && m != PICTURE_RAMP;
	if (m != PICTURE_RAMP)
		pairs_reserve(2 * f->w * f->h);
	for (int cy = 0; cy < f->h; cy++)
		for (int cx = 0; cx < f->w; cx++) {
			int sy = r->y + f->y + cy, sx = r->x + f->x + cx, lower = 2 * cy + 1 < f->vh;
			if (half) {
				unsigned up = sample(chw, f, cx, 2 * cy, 2 * cy + 1);
				unsigned lo = lower ? sample(chw, f, cx, 2 * cy + 1, 2 * cy + 2) : 0;
				put(sy, sx, "\xe2\x96\x80", A_NORMAL, pair_of(m, up, lo));	/* U+2580 */
			} else if (m != PICTURE_RAMP) {
				unsigned c = sample(chw, f, cx, 2 * cy, lower ? 2 * cy + 2 : 2 * cy + 1);
				put(sy, sx, " ", A_NORMAL, pair_of(m, c, c));
			} else {
				unsigned c = sample(chw, f, cx, 2 * cy, lower ? 2 * cy + 2 : 2 * cy + 1);
				char s[2] = { ramp[(int)fmin(9, luminance(c) * 10)], '\0' };
				put(sy, sx, s, A_NORMAL, 0);
			}
		}
}

/* ---- outlines --------------------------------------------------------------- */

static void outline_cell(const struct tui_view *v, const struct tui_rect *r, const float *chw,
    const struct tui_picture_fit *f, const struct tui_picture_box *b, int cx, int cy, const char *s)
{
	enum tui_picture_mode m = tui_picture_mode(v);
	int sy = r->y + f->y + cy, sx = r->x + f->x + cx;
	if (cx < 0 || cy < 0 || cx >= f->w || cy >= f->h)
		return;
	if (m == PICTURE_RAMP)
		put(sy, sx, s, v->attr[b->role] | A_BOLD, 0);
	else
		put(sy, sx, s, A_BOLD, pair_of(m, b->rgb, cell_bg(chw, f, cx, cy)));
}

static int cell_x(const struct tui_picture_fit *f, double x, double sw)
{
	int c = (int)floor(x * f->vw / sw);
	return c < 0 ? 0 : c >= f->w ? f->w - 1 : c;
}

static int cell_y(const struct tui_picture_fit *f, double y, double sh)
{
	int c = (int)floor(y * f->vh / sh / 2);
	return c < 0 ? 0 : c >= f->h ? f->h - 1 : c;
}

void tui_picture_outline(const struct tui_view *v, const struct tui_rect *r, const float *chw,
    const struct tui_picture_fit *f, const struct tui_picture_box *b)
{
	const char *const *g = v->g.utf8 ? glyph_utf8[b->style] : glyph_ascii[b->style];
	if (!isfinite(b->x0) || !isfinite(b->x1) || !isfinite(b->y0) || !isfinite(b->y1) || !(b->sw > 0) || !(b->sh > 0))
		return;		/* a NaN box (NaN weights) has no cell */
	int x0 = cell_x(f, b->x0, b->sw), x1 = cell_x(f, b->x1, b->sw);
	int y0 = cell_y(f, b->y0, b->sh), y1 = cell_y(f, b->y1, b->sh);
	for (int x = x0 + 1; x < x1; x++) {
		outline_cell(v, r, chw, f, b, x, y0, g[1]);
		outline_cell(v, r, chw, f, b, x, y1, g[1]);
	}
	for (int y = y0 + 1; y < y1; y++) {
		outline_cell(v, r, chw, f, b, x0, y, g[3]);
		outline_cell(v, r, chw, f, b, x1, y, g[3]);
	}
	outline_cell(v, r, chw, f, b, x0, y0, g[0]);
	outline_cell(v, r, chw, f, b, x1, y0, g[2]);
	outline_cell(v, r, chw, f, b, x0, y1, g[4]);
	outline_cell(v, r, chw, f, b, x1, y1, g[5]);
	/* the label on the top edge, clipped to the box (ASCII labels: one column a byte) */
	for (int i = 0; b->label && b->label[i] && x0 + 1 + i < x1; i++) {
		char c[2] = { b->label[i], '\0' };
		if ((unsigned char)c[0] < 32 || (unsigned char)c[0] > 126)
			c[0] = '?';
		outline_cell(v, r, chw, f, b, x0 + 1 + i, y0, c);
	}
}

void tui_picture_swatch(const struct tui_view *v, const struct tui_rect *r, int y, int x,
    const struct tui_picture_box *b)
{
	const char *s = (v->g.utf8 ? glyph_utf8 : glyph_ascii)[b->style][0];
	if (y >= 0 && y < r->h && x >= 0 && x < r->w)	/* the theme's colour: the legend's words say it */
		put(r->y + y, r->x + x, s, v->attr[b->role] | A_BOLD, 0);
}
