/* help.h - the `?` overlay: every key from the key table. */
#ifndef SAFER_TUI_HELP_H
#define SAFER_TUI_HELP_H

#include "tui/view/view.h"

void tui_help_draw(const struct tui_view *v);

#endif
