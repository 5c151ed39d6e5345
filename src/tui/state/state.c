/* state.c - the explorer's model made from what was loaded (cfg and data
 * names, the pristine weights' checksum and criteria, the default
 * selection), the caches the panes draw from, and all of it given back. */
#include "tui/state/state.h"
#include "tui/state/budget.h"
#include "tui/state/classes.h"
#include "tui/state/crit.h"
#include "tui/state/gallery.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/hist.h"
#include "tui/state/levels.h"
#include "tui/state/pareto.h"
#include "tui/state/results.h"
#include "tui/state/tour.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void tui_state_init(struct tui *t, const struct setup_opts *o, const struct dataset *d, struct engine *e)
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
		t->level[k] = tui_levels_default((enum perturb_kind)k);
		t->step[k] = tui_levels_default_step((enum perturb_kind)k);
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
	tui_crit_init(t);	/* weight statistics of the pristine weights */
	tui_gallery_init(t);
	tui_classes_init(t);	/* a classifier's top-1 per image, unperturbed */	/* the unperturbed detector's boxes */
}

void tui_state_free(struct tui *t)
{
	tui_results_free(&t->results);
	tui_crit_free(&t->crit);
	tui_pareto_free(&t->pareto);
	tui_heatmap_scan_free(&t->scan);
	tui_gallery_free(&t->gallery);
	tui_classes_free(&t->classes);
	budget_free(&t->budget.b);
	tui_budget_history_free(t);
	free(t->budget.path);
	free(t->cfg_base);
	free(t->data_label);
	free(t->weights_checksum);
}

void tui_state_refresh(struct tui *t)
{
	tui_hist_update(t);
	tui_crit_refresh(t);
	tui_gallery_refresh(t);
	tui_tour_update(t);
}
