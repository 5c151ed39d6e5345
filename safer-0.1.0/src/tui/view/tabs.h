/* tabs.h - the panes of the view area, one per tab, in tab order. */
#ifndef SAFER_TUI_TABS_H
#define SAFER_TUI_TABS_H

#include "tui/view/view.h"

extern const struct tui_pane *const tui_tabs[VIEW_COUNT];

#endif
