/* draw.h - clipped text, pane titles and bars on stdscr.  Every string drawn
 * is UTF-8 with one column per code point, or plain ASCII. */
#ifndef SAFER_TUI_DRAW_H
#define SAFER_TUI_DRAW_H

#include "tui/view/view.h"

int tui_draw_width(const char *s);
/* The cut mark of truncated text: "…", or "..." without UTF-8 (term.c sets it). */
void tui_draw_set_utf8(int utf8);
/* s at (y, x) of r; text that does not fit is cut with the ellipsis (never
 * silently, so that a cut figure cannot pass for a whole one). */
void tui_draw_text(const struct tui_rect *r, int y, int x, attr_t attr, const char *s);
/* The same within w columns from x (and within r): the one truncation rule. */
void tui_draw_text_fit(const struct tui_rect *r, int y, int x, int w, attr_t attr, const char *s);
/* Copies into buf the first of the n candidates that fits in w columns, else
 * the last one cut with the ellipsis: long forms where there is room, short
 * ones on 80 columns.  Returns buf. */
char *tui_draw_pick(char *buf, size_t size, int w, int n, const char *const *cand);
void tui_draw_textf(const struct tui_rect *r, int y, int x, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void tui_draw_clear(const struct tui_rect *r);
void tui_draw_title(const struct tui_view *v, const struct tui_rect *r, const char *title, int focused);
void tui_draw_hbar(const struct tui_view *v, const struct tui_rect *r, int y, int x, int w, double frac, attr_t attr,
    const char *empty);
/* Drop buckets (percentage points) shared by the heatmap, bars and legend. */
int tui_draw_heat_role(double drop);
int tui_draw_heat_glyph(double drop);

#endif
