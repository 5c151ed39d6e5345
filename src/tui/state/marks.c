/* marks.c - layers marked to compare, in the order they were marked (the
 * legend's order; unmarking one moves the later ones up a slot). */
#include "tui/state/marks.h"
#include "tui/state/msg.h"

int tui_marks_slot(const struct tui *t, int layer)
{
	for (int i = 0; i < TUI_MARKS_MAX; i++)
		if (i < t->nmarks && t->marks[i] == layer)
			return i;
	return -1;
}

void tui_marks_toggle(struct tui *t)
{
	int l = t->layer, i = tui_marks_slot(t, l);
	t->dirty = 1;
	t->resched = 1;		/* the curve fills marked layers too */
	if (i >= 0) {
		for (; i + 1 < t->nmarks; i++)
			t->marks[i] = t->marks[i + 1];
		t->nmarks--;
		tui_msg(t, 0, "unmarked L%d (%d marked)", l, t->nmarks);
		return;
	}
	if (!t->model->layers[l].has_weights) {
		tui_msg(t, 1, "L%d (%s) has no weights: no curve to compare", l, t->model->layers[l].kind_name);
		return;
	}
	if (t->nmarks == TUI_MARKS_MAX) {
		tui_msg(t, 1, "%d layers marked already: M on one of them unmarks it", TUI_MARKS_MAX);
		return;
	}
	t->marks[t->nmarks++] = l;
	tui_msg(t, 0, "marked L%d: its curve overlays the selected layer's (c shows the curve)", l);
}
