/* draw.h - clipped text, pane titles and bars on stdscr.  Every string drawn
 * is UTF-8 with one column per code point, or plain ASCII. */
#ifndef SAFER_TUI_DRAW_H
#define SAFER_TUI_DRAW_H

#include "tui/view/view.h"

int tui_draw_width(const char *s);
void tui_draw_text(const struct tui_rect *r, int y, int x, attr_t attr, const char *s);
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
