/* keys.h - key dispatch: the prompt first, then the focused pane's table,
 * then the global table.  Handlers only change state; the returned flags say
 * what the loop must do. */
#ifndef SAFER_TUI_KEYS_H
#define SAFER_TUI_KEYS_H

#include "tui/view/view.h"

/* Returns TUI_REDRAW | TUI_RESCHEDULE | TUI_QUIT flags. */
int tui_keys_handle(struct tui_view *v, int ch);

struct tui_key_help {
	const char *keys, *what;
};
/* The help overlay's lines: every key of the global table. */
const struct tui_key_help *tui_keys_help(int *n);

#endif
