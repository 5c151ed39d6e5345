/* tour.h - the guided tour (`safer tour`, z in the explorer): steps that walk
 * a student through the ideas on the bundled model, each saying what to press
 * and what to notice, advancing when the state shows it was done.  The steps'
 * text is one table (tour.c); the tour pane (view/pane_tour.c) draws it. */
#ifndef SAFER_TUI_TOUR_H
#define SAFER_TUI_TOUR_H

#include "tui/state/types.h"

struct tui_tour_step {
	const char *title;
	const char *todo;	/* what to press */
	const char *notice;	/* what to look at once done */
};

int tui_tour_count(void);
const struct tui_tour_step *tui_tour_get(int step);
/* Starts (or shows again) the tour at its current step. */
void tui_tour_open(struct tui *t);
void tui_tour_close(struct tui *t);
/* z, Z: the next (skip) or the previous step; past the last closes. */
void tui_tour_move(struct tui *t, int dir);
/* After any change (tui_state_refresh): the step is done when the state says
 * so (a level measured, a kind selected, a view shown); then the next. */
void tui_tour_update(struct tui *t);

#endif
