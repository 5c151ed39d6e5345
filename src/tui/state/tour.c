/* tour.c - the guided tour's steps, their text and how each notices it was
 * done.  The checks read the state only: the kind and level measured for the
 * selection, the view shown, the scan started, the budget measured. */
#include "tui/state/tour.h"
#include "tui/state/msg.h"
#include "tui/state/results.h"
#include "tui/state/select.h"

/* The selection measured at its current level (the drop is on screen). */
static int measured(const struct tui *t, enum perturb_kind kind)
{
	if (t->kind != kind)
		return 0;
	struct result_key k = tui_select_key(t);
	return tui_results_find(&t->results, &k) != NULL;
}

static int done_prune(const struct tui *t)
{
	return measured(t, PERTURB_PRUNE) && t->level[PERTURB_PRUNE] >= 0.8 - 1e-9;
}

static int done_random(const struct tui *t)
{
	return measured(t, PERTURB_PRUNE_RANDOM);
}

static int done_quant(const struct tui *t)
{
	return measured(t, PERTURB_QUANT) && t->level[PERTURB_QUANT] <= 3 + 1e-9;
}

static int done_bitflip(const struct tui *t)
{
	return measured(t, PERTURB_BITFLIP_EXP);
}

static int done_classes(const struct tui *t)
{
	return t->view == VIEW_CLASSES || !t->classes.on;	/* a detector has no classes view */
}

static int done_scan(const struct tui *t)
{
	return t->view == VIEW_HEATMAP && t->scan.levels != NULL && t->scan.kind == PERTURB_PRUNE;
}

static int done_criteria(const struct tui *t)
{
	return t->view == VIEW_CRITERIA;
}

static int done_budget(const struct tui *t)
{
	return t->budget.b.n >= 2 && t->budget.prog_gen == t->budget.gen;
}

static const struct {
	struct tui_tour_step s;
	int (*done)(const struct tui *t);	/* NULL: the last step, z closes */
} steps[] = {
	{ { "Magnitude pruning",
	    "Layer 0 is selected, the kind is prune at 0.50. Press + three times: prune 80% of its weights.",
	    "The curve stays near the base at first: the smallest weights add least to each output. L0 has only 144." },
	  done_prune },
	{ { "Magnitude against chance",
	    "Press > once: prune-random zeroes the same share of weights, picked at random.",
	    "At the same level the drop is far larger: magnitude picks the weights that matter least." },
	  done_random },
	{ { "Quantization levels",
	    "Press > twice more (quant, bits per weight), then - until the level reads 3.",
	    "8 bits cost nothing; each bit less doubles the rounding step; near 2-3 bits accuracy goes." },
	  done_quant },
	{ { "Bit flips",
	    "Press > until the kind is bitflip-exp: random flips of the exponent bits only.",
	    "One flipped exponent bit turns 0.01 into 1e36: that weight swamps the layer. bitflip-sign is mild." },
	  done_bitflip },
	{ { "Which classes suffer",
	    "Press C: each class's top-1 before and after, and the images whose class flipped (h/l).",
	    "A perturbation does not hurt all classes alike: look-alike classes (shirt, coat) swap first." },
	  done_classes },
	{ { "Why layers differ",
	    "Press < until the kind is prune, m for the heatmap, then s: every layer at every level.",
	    "The rows differ: small layers and those near the input or output lose most; wide ones have spare." },
	  done_scan },
	{ { "Cheap criteria against ground truth",
	    "Press i: statistics of the weights (magnitude, l2pp...) beside the measured drops.",
	    "rho near 1: a free statistic ranks the layers as the measurement does; few layers measured mean little." },
	  done_criteria },
	{ { "A budget, and additivity",
	    "Press b, + to prune layer 0; then j j and + for layer 2: two layers, measured together.",
	    "The sum of the single-layer drops against the measured joint drop: do they add? u undoes an edit." },
	  done_budget },
	{ { "The end",
	    "z closes the tour (z again opens it); ? lists every key, and ? again the glossary.",
	    "safer scan, rank and budget do the same from the command line (safer --help)." },
	  NULL },
};

#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

int tui_tour_count(void)
{
	return NSTEPS;
}

const struct tui_tour_step *tui_tour_get(int step)
{
	return step >= 0 && step < NSTEPS ? &steps[step].s : NULL;
}

static struct tui_tour_at now_at(const struct tui *t)
{
	return (struct tui_tour_at){ .kind = t->kind, .layer = t->layer, .view = t->view,
		.scanning = t->scan.levels != NULL, .level = t->level[t->kind], .budget_gen = t->budget.gen };
}

static int same_at(const struct tui_tour_at *a, const struct tui_tour_at *b)
{
	return a->kind == b->kind && a->layer == b->layer && a->view == b->view && a->scanning == b->scanning &&
	    a->level == b->level && a->budget_gen == b->budget_gen;
}

void tui_tour_open(struct tui *t)
{
	t->tour.on = 1;
	t->dirty = 1;
	tui_msg(t, 0, "tour %d/%d: %s (z skips, Z goes back)", t->tour.step + 1, NSTEPS, steps[t->tour.step].s.title);
}

void tui_tour_close(struct tui *t)
{
	t->tour.on = 0;
	t->dirty = 1;
	tui_msg(t, 0, "tour closed (z opens it again at step %d)", t->tour.step + 1);
}

void tui_tour_move(struct tui *t, int dir)
{
	int s = t->tour.step + dir;
	if (s >= NSTEPS) {
		t->tour.step = 0;
		tui_tour_close(t);
		return;
	}
	t->tour.step = s < 0 ? 0 : s;
	t->tour.held = 1;	/* Z to a step already done stays there until something changes */
	t->tour.at = now_at(t);
	tui_tour_open(t);
}

void tui_tour_update(struct tui *t)
{
	if (!t->tour.on || steps[t->tour.step].done == NULL)
		return;
	if (t->tour.held) {
		struct tui_tour_at a = now_at(t);
		if (same_at(&a, &t->tour.at))
			return;
		t->tour.held = 0;
	}
	if (!steps[t->tour.step].done(t))
		return;
	t->tour.step++;
	t->tour.finished = steps[t->tour.step].done == NULL;
	t->dirty = 1;
	tui_msg(t, 0, "tour: step %d done; %d/%d: %s", t->tour.step, t->tour.step + 1, NSTEPS,
	    steps[t->tour.step].s.title);
}
