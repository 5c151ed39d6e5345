/* tabs.c - the view area's panes in tab order (enum tui_tab). */
#include "tui/view/tabs.h"
#include "tui/view/panes.h"

const struct tui_pane *const tui_tabs[VIEW_COUNT] = {
	[VIEW_CURVE] = &tui_pane_curve, [VIEW_HEATMAP] = &tui_pane_heatmap, [VIEW_BUDGET] = &tui_pane_budget,
	[VIEW_CRITERIA] = &tui_pane_criteria, [VIEW_PARETO] = &tui_pane_pareto, [VIEW_PICTURE] = &tui_pane_picture,
	[VIEW_CLASSES] = &tui_pane_classes,
};

const struct tui_pane *tui_tabs_focused(const struct tui *t)
{
	switch (t->focus) {
	case PANE_LAYERS: return &tui_pane_layers;
	case PANE_PERTURB: return &tui_pane_perturb;
	default: return tui_tabs[t->view];
	}
}
