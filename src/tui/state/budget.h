/* budget.h - the working budget: edits of the selected layer's fields, the
 * level of the selection applied, a whole new budget; each change bumps its
 * generation, updates the cost and asks for a measurement (t->resched). */
#ifndef SAFER_TUI_BUDGET_H
#define SAFER_TUI_BUDGET_H

#include "tui/state/types.h"

const char *tui_budget_field_name(enum budget_field f);
int tui_budget_field_integer(enum budget_field f);
/* A field's value in a layer's entry (0: off; NULL entry: 0). */
double tui_budget_field_get(const struct budget_layer *l, enum budget_field f);
/* The selected field of the selected layer one step up/down (switched on
 * at its start value when off). */
void tui_budget_step(struct tui *t, int dir);
/* Clears the selected field of the selected layer, or all its fields. */
void tui_budget_clear(struct tui *t, int whole_layer);
/* `a`: the current perturbation becomes the layer's budget setting. */
void tui_budget_apply(struct tui *t);
/* Replaces the working budget (taking nb's contents) and re-measures it;
 * what names the change for undo ("open x.budget", "fill bits=4"). */
void tui_budget_set(struct tui *t, struct budget *nb, const char *what);
/* Undo/redo (u, U): every change above is kept, the last BUDGET_HISTORY of
 * them; a new change drops the redo side.  0 when there was nothing to
 * undo/redo; the status line says what was undone. */
int tui_budget_undo(struct tui *t);
int tui_budget_redo(struct tui *t);
/* Records the budget before a change named by what (tui_budget_set's callers
 * that are not an edit here: file, fill, front point, session). */
void tui_budget_remember(struct tui *t, const char *what);
void tui_budget_history_free(struct tui *t);
/* After any change of t->budget.b. */
void tui_budget_changed(struct tui *t);

#endif
