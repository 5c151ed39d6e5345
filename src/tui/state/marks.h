/* marks.h - layers marked to compare (M): the curve pane overlays their
 * curves on the selected layer's, each in its own colour and glyph, and the
 * curve fills them in too. */
#ifndef SAFER_TUI_MARKS_H
#define SAFER_TUI_MARKS_H

#include "tui/state/types.h"

/* Marks the selected layer, or unmarks it; says so on the status line.
 * Layers without weights and a fifth mark are refused. */
void tui_marks_toggle(struct tui *t);
/* The mark's slot (0.. TUI_MARKS_MAX-1, its colour and glyph) or -1. */
int tui_marks_slot(const struct tui *t, int layer);

#endif
