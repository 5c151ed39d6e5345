/* explorer.h - the live explorer, as the command that starts it sees it (no
 * curses here, though the explorer lives in src/tui/view/: the command
 * layer above is compiled without curses on its include path). */
#ifndef SAFER_EXPLORER_H
#define SAFER_EXPLORER_H

#include "engine/setup.h"

/* Runs the explorer on a loaded model and data set until the user quits.
 * budget_path (may be NULL) is the budget to open, rank_path (may be NULL) a
 * `safer rank` file for the criteria pane.  Returns the exit status, or -1
 * with *cause when the terminal could not be taken.  The caller keeps o and
 * d; e becomes the explorer's, which frees it before it returns. */
int tui_explore(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const char *budget_path, const char *rank_path, char **cause);
/* The same in tour mode (`safer tour`): the guided tour open from the start,
 * an empty budget, and the session budget neither offered nor overwritten. */
int tui_explore_tour(const struct setup_opts *o, const struct dataset *d, struct engine *e, char **cause);

#endif
