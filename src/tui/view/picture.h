/* picture.h - an image (3 planes of floats in [0,1], as image_load_chw
 * gives) drawn in terminal cells, scaled to fit keeping its aspect (box
 * filter), and outlines drawn over it in image pixels.
 *
 * Two pixels a cell: the upper half block U+2580 with the upper pixel as
 * foreground and the lower one as background, in true colour when the
 * terminal description says it takes RGB colours (terminfo's RGB flag, or
 * 2^24 colours: TERM=xterm-direct), else in the 256-colour palette (6x6x6
 * cube and grey ramp); with fewer colours, NO_COLOR or no UTF-8, one
 * character a cell from a grey ramp (" .:-=+*#%@").  Shared by every pane
 * that shows an image (the detector's picture view, a classifier's later). */
#ifndef SAFER_TUI_PICTURE_H
#define SAFER_TUI_PICTURE_H

#include "tui/view/view.h"

enum tui_picture_mode { PICTURE_RAMP, PICTURE_256, PICTURE_RGB };

/* Where an image lands in a rectangle: cells y, x, w, h (relative to the
 * rectangle), each cell one image column by two "half-cell" rows. */
struct tui_picture_fit {
	int y, x, w, h;
	int pw, ph;		/* the image drawn: its pixels */
	int vw, vh;		/* virtual pixels: vw = w, vh <= 2h */
};

/* The mode this terminal gets (decided once curses runs). */
enum tui_picture_mode tui_picture_mode(const struct tui_view *v);
const char *tui_picture_mode_name(enum tui_picture_mode m);
/* Centres a pw x ph image in r; 0 when it has no room. */
int tui_picture_fit(const struct tui_rect *r, int pw, int ph, struct tui_picture_fit *f);
void tui_picture_draw(const struct tui_view *v, const struct tui_rect *r, const float *chw, const struct tui_picture_fit *f);

enum tui_picture_style { PICTURE_THIN, PICTURE_HEAVY };
/* The outline of the box (x0, y0)-(x1, y1) in pixels of an image sw x sh
 * (the one whose planes chw are, scaled: its box coordinates may come from
 * a larger original), in colour rgb (0xRRGGBB; the role's attributes in
 * the ramp mode), with a label along its top edge. */
struct tui_picture_box {
	double x0, y0, x1, y1;	/* in pixels of an sw x sh image */
	double sw, sh;
	enum tui_picture_style style;
	unsigned rgb;
	enum tui_role role;
	const char *label;
};
void tui_picture_outline(const struct tui_view *v, const struct tui_rect *r, const float *chw,
    const struct tui_picture_fit *f, const struct tui_picture_box *b);
/* A legend glyph of the style in that colour. */
void tui_picture_swatch(const struct tui_view *v, const struct tui_rect *r, int y, int x,
    const struct tui_picture_box *b);

#endif
