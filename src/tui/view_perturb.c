/* view_perturb.c - the perturbation panel: kind, level, step, seed, trials.
 * With the panel focused, up/down pick a field and left/right change it; any
 * change asks for a new measurement of the selection. */
#include "tui/tui.h"

#include <stdio.h>

#define TRIALS_MAX 20

static attr_t field_attr(const struct tui *t, enum perturb_field f)
{
	if (t->focus == PANE_PERTURB && t->field == f)
		return t->attr[R_SELECT];
	return A_BOLD;
}

/* "label value" at x; returns the x after it. */
static int field(const struct tui *t, const struct tui_rect *r, int y, int x, const char *label, const char *value,
    enum perturb_field f)
{
	draw_text(r, y, x, t->attr[R_DIM], label);
	x += draw_width(label);
	draw_text(r, y, x, field_attr(t, f), value);
	return x + draw_width(value) + 2;
}

void view_perturb_draw(struct tui *t)
{
	const struct tui_rect *r = &t->r_perturb;
	char kind[64], level[32], step[32], seed[32], trials[32];
	enum perturb_kind k = t->kind;
	draw_title(t, r, "Perturbation", t->focus == PANE_PERTURB);
	snprintf(kind, sizeof kind, "%s%s%s", t->g.left, perturb_kind_name(k), t->g.right);
	levels_format(k, t->level[k], level, sizeof level);
	levels_format_step(k, t->step[k], step, sizeof step);
	int stochastic = perturb_kind_is_stochastic(k);
	snprintf(seed, sizeof seed, stochastic ? "%llu" : "-", (unsigned long long)t->seed);
	snprintf(trials, sizeof trials, stochastic ? "%d" : "1", t->trials);
	int x = field(t, r, 1, 0, "kind ", kind, FIELD_KIND);
	field(t, r, 1, x > 20 ? x : 20, "level ", level, FIELD_LEVEL);
	x = field(t, r, 2, 0, "step ", step, FIELD_STEP);
	x = field(t, r, 2, x, "seed ", seed, FIELD_SEED);
	field(t, r, 2, x, "trials ", trials, FIELD_TRIALS);
}

void view_perturb_change(struct tui *t, int dir)
{
	enum perturb_kind k = t->kind;
	switch (t->field) {
	case FIELD_KIND:
		tui_set_kind(t, (enum perturb_kind)((k + PERTURB_KIND_COUNT + dir) % PERTURB_KIND_COUNT));
		return;
	case FIELD_LEVEL:
		tui_set_level(t, levels_move(k, t->step[k], t->level[k], dir));
		return;
	case FIELD_STEP:
		t->step[k] = levels_step_change(k, t->step[k], dir);
		tui_set_level(t, levels_snap(k, t->step[k], t->level[k]));
		return;
	case FIELD_SEED:
		if (dir > 0 || t->seed > 0)
			t->seed += (uint64_t)(int64_t)dir;
		break;
	case FIELD_TRIALS:
		t->trials += dir;
		t->trials = t->trials < 1 ? 1 : t->trials > TRIALS_MAX ? TRIALS_MAX : t->trials;
		break;
	case FIELD_COUNT:
		break;
	}
	jobs_request_live(t, 0);
	t->dirty = 1;
}
