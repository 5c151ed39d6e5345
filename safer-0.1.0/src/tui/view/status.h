/* status.h - the status line: data set, threads, the last message and what
 * the engine is doing, or the open prompt, which takes the keys. */
#ifndef SAFER_TUI_STATUS_H
#define SAFER_TUI_STATUS_H

#include "tui/view/view.h"

void tui_status_draw(const struct tui_view *v, const struct tui *t);
/* Returns 1 when the open prompt took the key. */
int tui_status_key(struct tui *t, int ch);

#endif
