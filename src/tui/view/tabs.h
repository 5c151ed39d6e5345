/* tabs.h - the panes of the view area, one per tab, in tab order. */
#ifndef SAFER_TUI_TABS_H
#define SAFER_TUI_TABS_H

#include "tui/view/view.h"

extern const struct tui_pane *const tui_tabs[VIEW_COUNT];

/* The pane that has the focus: the layer list, the perturbation panel or
 * the tab on screen (keys look there first; the status line explains it). */
const struct tui_pane *tui_tabs_focused(const struct tui *t);

#endif
