/* canvas.h - a dot canvas for plots: 2x4 braille dots per cell in UTF-8, one
 * character per cell in ASCII. */
#ifndef SAFER_TUI_CANVAS_H
#define SAFER_TUI_CANVAS_H

#include "tui/view/view.h"

/* CV_MARK0..3: marked layers' curves, under the selected layer's (the
 * strongest class drawn into a cell wins it). */
enum canvas_class { CV_NONE, CV_BASE, CV_CURSOR, CV_MARK0, CV_MARK1, CV_MARK2, CV_MARK3, CV_LINE, CV_POINT, CV_COUNT };
/* A marked curve's role (colour) and glyph (its points, and its dots in ASCII). */
int tui_canvas_mark_role(int slot);
const char *tui_canvas_mark_glyph(int slot);
struct tui_canvas {
	int w, h;		/* in cells */
	int pw, ph;		/* in dots: 2x4 per cell (braille) or 1x1 (ASCII) */
	int utf8;
	unsigned char *dots;	/* owned: w*h braille bit sets */
	unsigned char *cls;	/* owned: w*h strongest class per cell */
};
void tui_canvas_init(struct tui_canvas *c, int w, int h, int utf8);
void tui_canvas_free(struct tui_canvas *c);
void tui_canvas_dot(struct tui_canvas *c, int x, int y, enum canvas_class cls);
void tui_canvas_line(struct tui_canvas *c, int x0, int y0, int x1, int y1, enum canvas_class cls);
void tui_canvas_draw(const struct tui_canvas *c, const struct tui_view *v, const struct tui_rect *r, int y, int x);

#endif
