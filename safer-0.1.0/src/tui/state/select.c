/* select.c - the selection and the live measurement it asks for.  The
 * setters only change state: t->resched tells the loop to let the scheduler
 * (jobs.c) look again. */
#include "tui/state/select.h"
#include "tui/state/levels.h"
#include "tui/state/results.h"

struct result_key tui_select_key(const struct tui *t)
{
	return tui_results_key(t->layer, t->kind, t->level[t->kind], t->seed);
}

void tui_select_measure(struct tui *t, int force)
{
	t->live_want = 0;
	t->fill_blocked = 0;
	if (t->model->layers[t->layer].has_weights) {
		struct result_key k = tui_select_key(t);
		if (force)
			tui_results_forget(&t->results, &k);
		t->live = (struct job_ref){ .what = JOB_LIVE, .key = k };
		t->live_want = 1;
	}
	t->resched = 1;
}

void tui_select_layer(struct tui *t, int layer)
{
	layer = layer < 0 ? 0 : layer >= t->model->n ? t->model->n - 1 : layer;
	if (layer != t->layer) {
		t->layer = layer;
		tui_select_measure(t, 0);
	}
	t->dirty = 1;
}

void tui_select_kind(struct tui *t, enum perturb_kind k)
{
	t->kind = k;
	tui_select_measure(t, 0);
	t->dirty = 1;
}

void tui_select_level(struct tui *t, double level)
{
	t->level[t->kind] = level;
	tui_select_measure(t, 0);
	t->dirty = 1;
}

void tui_select_change(struct tui *t, enum perturb_field f, int dir)
{
	enum perturb_kind k = t->kind;
	switch (f) {
	case FIELD_KIND:
		tui_select_kind(t, (enum perturb_kind)((k + PERTURB_KIND_COUNT + dir) % PERTURB_KIND_COUNT));
		return;
	case FIELD_LEVEL:
		tui_select_level(t, tui_levels_move(k, t->step[k], t->level[k], dir));
		return;
	case FIELD_STEP:
		t->step[k] = tui_levels_step_change(k, t->step[k], dir);
		tui_select_level(t, tui_levels_snap(k, t->step[k], t->level[k]));
		return;
	case FIELD_SEED:
		if (dir > 0 || t->seed > 0)
			t->seed += (uint64_t)(int64_t)dir;
		break;
	case FIELD_TRIALS:
		t->trials += dir;
		t->trials = t->trials < 1 ? 1 : t->trials > TUI_TRIALS_MAX ? TUI_TRIALS_MAX : t->trials;
		break;
	case FIELD_COUNT:
		break;
	}
	tui_select_measure(t, 0);
	t->dirty = 1;
}
