/* explorer.c - the explorer's life: its state made from what was loaded, the
 * terminal taken, the loop run, the session saved, all given back. */
#include "tui/explorer.h"
#include "tui/tui.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "fmnist-plain" from ".../cfg/fmnist-plain.cfg" */
static char *cfg_base(const char *cfg)
{
	const char *slash = strrchr(cfg, '/');
	char *s = xstrdup(slash ? slash + 1 : cfg);
	size_t n = strlen(s);
	if (n > 4 && strcmp(s + n - 4, ".cfg") == 0)
		s[n - 4] = '\0';
	return s;
}

/* "fashion-mnist/t10k-images" for an IDX file, the file name otherwise. */
static char *data_label(const char *source)
{
	const char *slash = strrchr(source, '/');
	const char *base = slash ? slash + 1 : source;
	const char *idx = strstr(base, "-idx");
	if (idx == NULL)
		return xstrdup(base);
	const char *dir = base;
	if (slash != NULL) {
		dir = slash;
		while (dir > source && dir[-1] != '/')
			dir--;
	}
	if (dir == base)
		return xasprintf("%.*s", (int)(idx - base), base);
	return xasprintf("%.*s/%.*s", (int)(slash - dir), dir, (int)(idx - base), base);
}

static void state_init(struct tui *t, const struct setup_opts *o, const struct dataset *d, struct engine *e)
{
	memset(t, 0, sizeof *t);
	t->opts = o;
	t->data = d;
	t->eng = e;
	t->model = engine_model(e);
	t->cfg_base = cfg_base(o->cfg);
	t->data_label = data_label(d->source);
	/* the master weights are pristine now; jobs perturb them later */
	t->weights_checksum = hash_hex(model_checksum(t->model));
	for (int k = 0; k < PERTURB_KIND_COUNT; k++) {
		t->level[k] = levels_default((enum perturb_kind)k);
		t->step[k] = levels_default_step((enum perturb_kind)k);
	}
	t->kind = PERTURB_PRUNE;
	t->seed = 1;
	t->trials = 1;
	t->view = t->last_view = VIEW_CURVE;
	for (int l = 0; l < t->model->n; l++)
		if (t->model->layers[l].has_weights) {
			t->layer = l;
			break;
		}
	budget_cost(&t->budget.b, t->model, &t->budget.cost);
	t->budget.assumed = NAN;
	crit_init(t);	/* weight statistics of the pristine weights */
}

static void state_free(struct tui *t)
{
	results_free(&t->results);
	crit_free(&t->crit);
	pareto_free(&t->pareto);
	scan_free(&t->scan);
	budget_free(&t->budget.b);
	free(t->budget.path);
	free(t->cfg_base);
	free(t->data_label);
	free(t->weights_checksum);
}

/* --budget FILE: a missing file is a new budget; one that does not parse is
 * reported on the status line and the explorer starts empty. */
static void initial_budget(struct tui *t, const char *path)
{
	char *cause = NULL;
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		t->budget.path = xstrdup(path);
		tui_msg(t, 0, "%s does not exist yet: w writes it", path);
	} else if (budgetio_load(t, path, &cause) != 0) {
		tui_fail(t, "budget", cause);
	} else {
		tui_msg(t, 0, "loaded %s (%d layer%s)", path, t->budget.b.n, t->budget.b.n == 1 ? "" : "s");
	}
}

/* The explorer proper, between loading and cleanup. */
static int run(struct tui *t, const char *budget_path, const char *rank_path, char **error)
{
	char *cause = NULL;
	if (term_signals_open() != 0 || term_start(t, &cause) != 0) {
		term_signals_close();
		*error = cause ? cause : xstrdup("tui: cannot set up signals");
		return -1;
	}
	if (budget_path)
		initial_budget(t, budget_path);
	else
		session_offer(t);
	if (rank_path && crit_load(t, rank_path, &cause) != 0)
		tui_fail(t, "rank", cause);
	jobs_request_live(t, 0);
	crit_background_start(t);
	int status = tui_run(t);
	crit_background_stop(t);
	term_stop();
	term_signals_close();
	if (session_save(t, &cause) != 0) {
		fprintf(stderr, "safer: session not saved: %s\n", cause);
		free(cause);
	}
	return status;
}

int tui_explore(const struct setup_opts *o, const struct dataset *d, struct engine *e,
    const char *budget_path, const char *rank_path, char **cause)
{
	struct tui t;
	state_init(&t, o, d, e);
	int status = run(&t, budget_path, rank_path, cause);
	engine_free(e);	/* cancels and restores a running job, before the state it reads goes */
	state_free(&t);
	return status;
}
