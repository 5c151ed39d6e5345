/* explorer.c - the explorer's life: its state made from what was loaded, the
 * terminal taken, the loop run, the session saved, all given back. */
#include "tui/view/explorer.h"
#include "tui/view/loop.h"
#include "tui/view/term.h"
#include "tui/state/budget_file.h"
#include "tui/state/crit.h"
#include "tui/state/msg.h"
#include "tui/state/select.h"
#include "tui/state/session.h"
#include "tui/state/state.h"
#include "tui/state/tour.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --budget FILE: a missing file is a new budget; one that does not parse is
 * reported on the status line and the explorer starts empty. */
static void initial_budget(struct tui *t, const char *path)
{
	char *cause = NULL;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		t->budget.path = xstrdup(path);
		tui_msg(t, 0, "%s does not exist yet: w writes it", path);
	} else if (tui_budget_file_load(t, path, &cause) != 0) {
		tui_msg_fail(t, "budget", cause);
	} else {
		tui_msg(t, 0, "loaded %s (%d layer%s)", path, t->budget.b.n, t->budget.b.n == 1 ? "" : "s");
	}
}

/* The explorer proper, between loading and cleanup. */
static int run(struct tui *t, const char *budget_path, const char *rank_path, int tour, char **error)
{
	struct tui_view v = { .t = t };
	char *cause = NULL;
	if (tui_term_signals_open() != 0 || tui_term_start(&v, &cause) != 0) {
		tui_term_signals_close();
		*error = cause ? cause : xstrdup("tui: cannot set up signals");
		return -1;
	}
	if (tour)
		tui_tour_open(t);
	else if (budget_path)
		initial_budget(t, budget_path);
	else
		tui_session_offer(t);
	if (rank_path && tui_crit_load(t, rank_path, &cause) != 0)
		tui_msg_fail(t, "rank", cause);
	tui_select_measure(t, 0);
	tui_crit_background_start(t);
	int status = tui_loop_run(&v);
	tui_crit_background_stop(t);
	tui_term_stop();
	tui_term_signals_close();
	if (!tour && tui_session_save(t, &cause) != 0) {
		fprintf(stderr, "safer: session not saved: %s\n", cause);
		free(cause);
	}
	return status;
}

static int explore(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const char *budget_path, const char *rank_path, int tour, char **cause)
{
	struct tui t;
	tui_state_init(&t, o, d, e);
	int status = run(&t, budget_path, rank_path, tour, cause);
	engine_free(e);	/* cancels and restores a running job, before the state it reads goes */
	tui_state_free(&t);
	return status;
}

int tui_explore(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const char *budget_path, const char *rank_path, char **cause)
{
	return explore(o, d, e, budget_path, rank_path, 0, cause);
}

int tui_explore_tour(const struct setup_opts *o, const struct dataset *d, struct engine *e, char **cause)
{
	return explore(o, d, e, NULL, NULL, 1, cause);
}
