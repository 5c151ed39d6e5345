/* pane_perturb.c - the perturbation panel: kind, level, step, seed, trials.
 * With the panel focused, up/down pick a field and left/right change it
 * (tui_select_change), which asks for a new measurement of the selection. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/levels.h"
#include "tui/state/select.h"

#include <stdio.h>
#include <string.h>

static attr_t field_attr(const struct tui_view *v, const struct tui *t, enum perturb_field f)
{
	if (t->focus == PANE_PERTURB && t->field == f)
		return v->attr[R_SELECT];
	return A_BOLD;
}

/* "label value" at x; returns the x after it. */
static int field(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, int y, int x, const char *label, const char *value,
    enum perturb_field f)
{
	tui_draw_text(r, y, x, v->attr[R_DIM], label);
	x += tui_draw_width(label);
	tui_draw_text(r, y, x, field_attr(v, t, f), value);
	return x + tui_draw_width(value) + 2;
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	char kind[64], level[32], step[32], seed[32], trials[32];
	enum perturb_kind k = t->kind;
	tui_draw_title(v, r, "Perturbation", t->focus == PANE_PERTURB);
	snprintf(kind, sizeof kind, "%s%s%s", v->g.left, perturb_kind_name(k), v->g.right);
	tui_levels_format(k, t->level[k], level, sizeof level);
	tui_levels_format_step(k, t->step[k], step, sizeof step);
	int stochastic = perturb_kind_is_stochastic(k);
	snprintf(seed, sizeof seed, stochastic ? "%llu" : "-", (unsigned long long)t->seed);
	snprintf(trials, sizeof trials, stochastic ? "%d" : "1", t->trials);
	int x = field(v, t, r, 1, 0, "kind ", kind, FIELD_KIND);
	field(v, t, r, 1, x > 20 ? x : 20, "level ", level, FIELD_LEVEL);
	x = field(v, t, r, 2, 0, "step ", step, FIELD_STEP);
	x = field(v, t, r, 2, x, "seed ", seed, FIELD_SEED);
	x = field(v, t, r, 2, x, "trials ", trials, FIELD_TRIALS);
	/* how scans and curve points measure (E) */
	const char *mode = t->exact ? "exact" : x + 8 <= r->w ? "adaptive" : "adapt";
	tui_draw_text(r, 2, x, v->attr[t->exact ? R_NORMAL : R_DIM], mode);
}

static int act_field(struct tui_view *v, int dir)
{
	struct tui *t = v->t;
	int f = (int)t->field + dir;
	t->field = (enum perturb_field)(f < 0 ? 0 : f >= FIELD_COUNT ? FIELD_COUNT - 1 : f);
	t->msg[0] = '\0';	/* the status line explains the field */
	return TUI_REDRAW;
}

static int act_change(struct tui_view *v, int dir)
{
	tui_select_change(v->t, v->t->field, dir);
	return TUI_REDRAW;
}

static const struct tui_key keys[] = {
	{ KEY_UP, act_field, -1, NULL, NULL },
	{ 'k', act_field, -1, NULL, NULL },
	{ KEY_DOWN, act_field, 1, NULL, NULL },
	{ 'j', act_field, 1, NULL, NULL },
	{ KEY_LEFT, act_change, -1, NULL, NULL },
	{ 'h', act_change, -1, NULL, NULL },
	{ KEY_RIGHT, act_change, 1, NULL, NULL },
	{ 'l', act_change, 1, NULL, NULL },
	{ 0, NULL, 0, NULL, NULL },
};

static void explain(const struct tui *t, char *buf, size_t size)
{
	const char *text = perturb_kind_explain(t->kind);
	const char *nl = strchr(text, '\n');
	switch (t->field) {
	case FIELD_KIND:
		snprintf(buf, size, "kind: %.*s", nl ? (int)(nl - text) : (int)strlen(text), text);
		break;
	case FIELD_LEVEL:
		snprintf(buf, size, "level: how much (%s); + - change it, Enter measures again",
		    tui_levels_unit(t->kind));
		break;
	case FIELD_STEP:
		snprintf(buf, size, "step: spacing of curve and heatmap levels (1/dec: one a decade)");
		break;
	case FIELD_SEED:
		snprintf(buf, size, "seed: the random draws of a stochastic kind; trials derive theirs");
		break;
	default:
		snprintf(buf, size, "trials: repeated random draws; drop = their mean, sd, min and max");
		break;
	}
}

const struct tui_pane tui_pane_perturb = { "Perturbation", draw, keys, NULL, explain };
