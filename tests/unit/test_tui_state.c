/* test_tui_state.c - the explorer's state without a terminal, on the bundled
 * plain CNN and 200 images of the Fashion-MNIST test set: selection, level
 * ladders, budget edits and their cost, and what the scheduler picks (and
 * submits to the real engine) for a given state.
 *
 * The model's layers (cfg/fmnist-plain.cfg, Darknet's 0-based indexes):
 * 0 conv 16x3x3 on 1 channel (144 weights), 1 maxpool, 2 conv, 3 maxpool,
 * 4 conv, 5 conv 1x1, 6 connected, 7 dropout, 8 connected, 9 softmax; the
 * weight layers are 0 2 4 5 6 8. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/setup.h"
#include "tui/state/budget.h"
#include "tui/state/classes.h"
#include "tui/state/marks.h"
#include "tui/state/tour.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/jobs.h"
#include "tui/state/levels.h"
#include "tui/state/pareto.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "tui/state/state.h"

static char cfg[1024], weights[1024];
static struct setup_opts opts;
static struct dataset data;
static struct engine *eng;
static struct tui t;

static int setup(void **state)
{
	(void)state;
	const char *src = getenv("SRCDIR") ? getenv("SRCDIR") : ".";
	char *cause = NULL;
	snprintf(cfg, sizeof cfg, "%s/cfg/fmnist-plain.cfg", src);
	snprintf(weights, sizeof weights, "%s/weights/fmnist-plain.weights", src);
	setup_opts_init(&opts);
	opts.cfg = cfg;
	opts.weights = weights;
	opts.limit = 200;
	opts.threads = 1;
	if (access(weights, R_OK) != 0 || setup_opts_finish(&opts, &cause) != 0 ||
	    (eng = setup_load_engine(&opts, &data, &cause)) == NULL) {
		fprintf(stderr, "setup: %s\n", cause ? cause : "no bundled weights");
		free(cause);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	engine_free(eng);
	dataset_free(&data);
	setup_opts_free(&opts);
	return 0;
}

/* A fresh state for every test; the engine is shared and idle in between. */
static int fresh(void **state)
{
	(void)state;
	tui_state_init(&t, &opts, &data, eng);
	return 0;
}

static int done(void **state)
{
	(void)state;
	engine_cancel(eng);
	tui_state_free(&t);
	return 0;
}

static void measured(int layer, enum perturb_kind kind, double level)
{
	struct result_key k = tui_results_key(layer, kind, level, t.seed);
	struct scan_row row;
	memset(&row, 0, sizeof row);
	row.layer = layer;
	row.kind = kind;
	row.level = level;
	row.top1 = 0.9;
	tui_results_add(&t.results, &k, &row, NAN, 0);
}

static void assert_job(const struct job_ref *j, enum job_what what, int layer, double level)
{
	assert_int_equal(j->what, what);
	assert_int_equal(j->key.layer, layer);
	assert_true(tui_levels_same(j->key.level, level));
}

/* ---- selection ------------------------------------------------------------ */

static void test_initial_selection(void **state)
{
	(void)state;
	assert_int_equal(t.model->n, 10);
	assert_int_equal(t.layer, 0);
	assert_int_equal(t.kind, PERTURB_PRUNE);
	assert_true(tui_levels_same(t.level[PERTURB_PRUNE], 0.5));
	assert_int_equal(t.view, VIEW_CURVE);
	struct result_key k = tui_select_key(&t);
	assert_int_equal(k.layer, 0);
	assert_int_equal(k.seed, 0);	/* prune is deterministic: no seed in the key */
}

/* Every layer can be selected (its shape is shown), but only weight layers
 * ask for a measurement; the selection is clamped to the model. */
static void test_selection_measures_weight_layers_only(void **state)
{
	(void)state;
	t.resched = 0;
	tui_select_layer(&t, 1);	/* maxpool */
	assert_int_equal(t.layer, 1);
	assert_false(t.live_want);
	assert_true(t.resched);
	tui_select_layer(&t, 2);
	assert_true(t.live_want);
	assert_int_equal(t.live.key.layer, 2);
	tui_select_layer(&t, -3);
	assert_int_equal(t.layer, 0);
	tui_select_layer(&t, 99);
	assert_int_equal(t.layer, 9);
	assert_false(t.live_want);	/* softmax */
	struct job_ref j;
	assert_int_equal(tui_jobs_pick(&t, &j), 0);	/* nothing to measure on a softmax, not even the curve */
}

/* The heatmap's rows are the weight layers, its columns the ladder without 0. */
static void test_scan_plan(void **state)
{
	(void)state;
	static const int rows[] = { 0, 2, 4, 5, 6, 8 };
	tui_heatmap_scan_start(&t);
	assert_true(t.scan.active);
	assert_int_equal(t.scan.nrows, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(t.scan.rows[i], rows[i]);
	assert_int_equal(t.scan.nlevels, 10);
	assert_true(tui_levels_same(t.scan.levels[0], 0.1));
	assert_true(tui_levels_same(t.scan.levels[9], 1.0));
	int d, total;
	tui_heatmap_scan_progress(&t, &d, &total);
	assert_int_equal(total, 60);
	assert_int_equal(d, 0);
	measured(2, PERTURB_PRUNE, 0.3);
	tui_heatmap_scan_progress(&t, &d, &total);
	assert_int_equal(d, 1);
}

/* ---- level ladders --------------------------------------------------------- */

static void test_ladder_linear(void **state)
{
	(void)state;
	assert_true(tui_levels_same(tui_levels_move(PERTURB_PRUNE, 0.1, 0.5, 1), 0.6));
	assert_true(tui_levels_same(tui_levels_move(PERTURB_PRUNE, 0.1, 0.5, -1), 0.4));
	assert_true(tui_levels_same(tui_levels_move(PERTURB_PRUNE, 0.1, 1.0, 1), 1.0));	/* clamped */
	assert_true(tui_levels_same(tui_levels_move(PERTURB_PRUNE, 0.1, 0.0, -1), 0.0));
	/* 0.3 three ways is one double: results are looked up by value */
	double up = 0;
	for (int i = 0; i < 3; i++)
		up = tui_levels_move(PERTURB_PRUNE, 0.1, up, 1);
	assert_true(up == tui_levels_move(PERTURB_PRUNE, 0.1, 0.4, -1));
	double lv[LADDER_MAX];
	assert_int_equal(tui_levels_ladder(PERTURB_PRUNE, 0.1, lv, LADDER_MAX), 11);
	assert_int_equal(tui_levels_columns(PERTURB_PRUNE, 0.1, lv, LADDER_MAX), 10);
	/* coarser step: 0.1 -> 0.2, and 0.5 snaps to 0.6 (round half away) */
	tui_select_change(&t, FIELD_STEP, 1);
	assert_true(tui_levels_same(t.step[PERTURB_PRUNE], 0.2));
	assert_true(tui_levels_same(t.level[PERTURB_PRUNE], 0.6));
	tui_select_change(&t, FIELD_LEVEL, 1);
	assert_true(tui_levels_same(t.level[PERTURB_PRUNE], 0.8));
}

static void test_ladder_integer(void **state)
{
	(void)state;
	tui_select_change(&t, FIELD_KIND, 1);	/* prune-random */
	tui_select_change(&t, FIELD_KIND, 1);	/* prune-filter */
	tui_select_change(&t, FIELD_KIND, 1);
	assert_int_equal(t.kind, PERTURB_QUANT);
	assert_true(tui_levels_same(t.level[PERTURB_QUANT], 4));
	tui_select_change(&t, FIELD_LEVEL, 1);
	assert_true(tui_levels_same(t.level[PERTURB_QUANT], 5));
	tui_select_change(&t, FIELD_LEVEL, -1);
	tui_select_change(&t, FIELD_LEVEL, -1);
	tui_select_change(&t, FIELD_LEVEL, -1);
	tui_select_change(&t, FIELD_LEVEL, -1);
	assert_true(tui_levels_same(t.level[PERTURB_QUANT], 2));	/* the fewest bits */
	/* the other kinds kept their own levels */
	assert_true(tui_levels_same(t.level[PERTURB_PRUNE], 0.5));
	double lv[LADDER_MAX];
	assert_int_equal(tui_levels_ladder(PERTURB_QUANT, 1, lv, LADDER_MAX), 15);	/* 2..16 */
	assert_int_equal(tui_levels_columns(PERTURB_QUANT, 1, lv, LADDER_MAX), 15);
	tui_select_change(&t, FIELD_KIND, -4);	/* wraps around backwards */
	assert_int_equal(t.kind, PERTURB_KIND_COUNT - 1);
}

static void test_ladder_logarithmic(void **state)
{
	(void)state;
	assert_true(tui_levels_same(tui_levels_move(PERTURB_BITFLIP, 1, 1e-4, 1), 1e-3));
	assert_true(tui_levels_same(tui_levels_move(PERTURB_BITFLIP, 1, 1e-4, -1), 1e-5));
	/* finer: 2 steps per decade, so up from 1e-4 is 10^-3.5 */
	double step = tui_levels_step_change(PERTURB_BITFLIP, 1, -1);
	assert_true(tui_levels_same(step, 2));
	assert_true(tui_levels_same(tui_levels_move(PERTURB_BITFLIP, step, 1e-4, 1), pow(10, -3.5)));
	double lv[LADDER_MAX];
	assert_int_equal(tui_levels_ladder(PERTURB_BITFLIP, 1, lv, LADDER_MAX), 7);	/* 1e-7 .. 1e-1 */
	char buf[32];
	assert_string_equal(tui_levels_format(PERTURB_BITFLIP, 1e-4, buf, sizeof buf), "1e-4");
	assert_string_equal(tui_levels_format(PERTURB_PRUNE, 0.5, buf, sizeof buf), "0.50");
}

/* ---- budget edits ----------------------------------------------------------- */

/* Undo/redo: each edit is one step back, with its cost; the history keeps
 * the last BUDGET_HISTORY edits; a new edit drops the redo side. */
static void test_budget_undo(void **state)
{
	(void)state;
	double full = t.budget.cost.float_bytes;
	assert_int_equal(tui_budget_undo(&t), 0);
	t.budget.field = BF_PRUNE;
	tui_budget_step(&t, 1);
	tui_budget_step(&t, 1);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.55);
	assert_int_equal(tui_budget_undo(&t), 1);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.5);
	assert_true(t.budget.cost.bytes == full - 270);
	assert_non_null(strstr(t.msg, "undid: layer 0 prune=0.55"));
	assert_int_equal(tui_budget_undo(&t), 1);
	assert_int_equal(t.budget.b.n, 0);
	assert_true(t.budget.cost.bytes == full);
	assert_int_equal(t.budget.dirty, 1);	/* an undo is an edit: the file may hold another */
	assert_int_equal(tui_budget_redo(&t), 1);
	assert_int_equal(tui_budget_redo(&t), 1);
	assert_int_equal(tui_budget_redo(&t), 0);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.55);
	tui_budget_clear(&t, 1);
	assert_int_equal(t.budget.b.n, 0);
	assert_int_equal(tui_budget_undo(&t), 1);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.55);
	tui_budget_step(&t, -1);	/* a new edit: nothing to redo */
	assert_int_equal(tui_budget_redo(&t), 0);
	/* bounded: many edits keep the last BUDGET_HISTORY */
	for (int i = 0; i < BUDGET_HISTORY + 10; i++)
		tui_budget_step(&t, i % 2 ? 1 : -1);
	int n = 0;
	while (tui_budget_undo(&t))
		n++;
	assert_int_equal(n, BUDGET_HISTORY);
}

/* The tour moves on only when its step's state is reached and measured;
 * z to a step already done holds there until something changes. */
static void test_tour_steps(void **state)
{
	(void)state;
	tui_tour_open(&t);
	assert_int_equal(t.tour.step, 0);
	t.level[PERTURB_PRUNE] = 0.8;
	tui_tour_update(&t);
	assert_int_equal(t.tour.step, 0);	/* not measured yet */
	measured(0, PERTURB_PRUNE, 0.8);
	tui_tour_update(&t);
	assert_int_equal(t.tour.step, 1);
	tui_tour_update(&t);
	assert_int_equal(t.tour.step, 1);	/* prune-random is not selected */
	tui_tour_move(&t, -1);
	tui_tour_update(&t);
	assert_int_equal(t.tour.step, 0);	/* held: nothing changed since Z */
	t.level[PERTURB_PRUNE] = 0.9;
	measured(0, PERTURB_PRUNE, 0.9);
	tui_tour_update(&t);
	assert_int_equal(t.tour.step, 1);
	for (int i = 1; i < tui_tour_count(); i++)
		tui_tour_move(&t, 1);
	assert_int_equal(t.tour.on, 0);	/* z past the last step closes */
}

/* Classes: on for the classifier, off until a job of the selection; the
 * order is by drop of top-1, classes without images left out. */
static void test_classes_order(void **state)
{
	(void)state;
	struct tui_classes *c = &t.classes;
	assert_true(c->on);
	assert_false(c->have);
	int k = t.data->classes, order[64];
	assert_true(k >= 3 && k <= 64);
	memset(c->n, 0, (size_t)k * sizeof *c->n);
	c->n[0] = 10, c->right_base[0] = 9, c->right_pert[0] = 8;	/* -10 pts */
	c->n[1] = 10, c->right_base[1] = 9, c->right_pert[1] = 3;	/* -60 pts */
	c->n[2] = 10, c->right_base[2] = 5, c->right_pert[2] = 6;	/* +10 pts */
	assert_int_equal(tui_classes_order(&t, order), 3);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);
	char name[32];
	assert_non_null(tui_classes_name(&t, 99, name, sizeof name));
	assert_string_equal(name, "#99");
}

/* Marks: weight layers only, at most TUI_MARKS_MAX, toggled. */
static void test_marks(void **state)
{
	(void)state;
	int wl[] = { 0, 2, 4, 5, 6 };
	tui_select_layer(&t, 1);
	tui_marks_toggle(&t);
	assert_int_equal(t.nmarks, 0);	/* maxpool */
	for (int i = 0; i < 5; i++) {
		tui_select_layer(&t, wl[i]);
		tui_marks_toggle(&t);
	}
	assert_int_equal(t.nmarks, TUI_MARKS_MAX);
	assert_int_equal(tui_marks_slot(&t, 6), -1);
	tui_select_layer(&t, 2);
	tui_marks_toggle(&t);
	assert_int_equal(t.nmarks, TUI_MARKS_MAX - 1);
	assert_int_equal(tui_marks_slot(&t, 4), 1);	/* the later ones move up */
	assert_int_equal(tui_marks_slot(&t, 2), -1);
}

static void test_budget_edits(void **state)
{
	(void)state;
	const struct layer_desc *l0 = &t.model->layers[0];
	assert_int_equal(l0->wt.nweights, 144);
	double full = t.budget.cost.float_bytes;
	assert_true(t.budget.cost.bytes == full);	/* empty budget: float32 everywhere */
	uint64_t gen = t.budget.gen;

	/* prune switched on at 0.5: 144 weights of 32 bits become a 144-bit mask
	 * and 72 survivors, 4608 -> 2448 bits: 270 bytes less */
	t.budget.field = BF_PRUNE;
	t.resched = 0;
	tui_budget_step(&t, 1);
	assert_int_equal(t.budget.b.n, 1);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.5);
	assert_true(t.budget.gen > gen);
	assert_true(t.budget.want);
	assert_true(t.budget.dirty);
	assert_true(t.resched);
	assert_true(t.budget.cost.bytes == full - 270);
	tui_budget_step(&t, 1);
	assert_true(tui_budget_field_get(budget_find(&t.budget.b, 0), BF_PRUNE) == 0.55);

	/* bits on top, switched on at 8: mask 144 + 72 x 8 + one 32-bit scale =
	 * 752 bits, 3856 fewer: 482 bytes less (at prune 0.5) */
	tui_budget_step(&t, -1);
	t.budget.field = BF_BITS;
	tui_budget_step(&t, 1);
	assert_int_equal(budget_find(&t.budget.b, 0)->bits, 8);
	assert_true(t.budget.cost.bytes == full - 482);

	/* clear the field: back to prune alone; clear the layer: empty again */
	tui_budget_clear(&t, 0);
	assert_int_equal(budget_find(&t.budget.b, 0)->bits, 0);
	assert_true(t.budget.cost.bytes == full - 270);
	tui_budget_clear(&t, 1);
	assert_int_equal(t.budget.b.n, 0);
	assert_true(t.budget.cost.bytes == full);
	assert_false(t.budget.want);	/* nothing to measure */

	/* a layer without weights cannot be budgeted */
	tui_select_layer(&t, 1);
	tui_budget_step(&t, 1);
	assert_int_equal(t.budget.b.n, 0);
	assert_true(t.msg_error);
	assert_non_null(strstr(t.msg, "has no weights"));

	/* a: the selection's level becomes the layer's setting (quant 4 -> bits=4) */
	tui_select_layer(&t, 2);
	t.kind = PERTURB_QUANT;
	tui_budget_apply(&t);
	assert_int_equal(budget_find(&t.budget.b, 2)->bits, 4);
	assert_int_equal(t.budget.field, BF_BITS);
	t.kind = PERTURB_NOISE;
	tui_budget_apply(&t);	/* not a compression */
	assert_true(t.msg_error);
	assert_int_equal(t.budget.b.n, 1);
}

/* ---- scheduling ------------------------------------------------------------- */

/* Priorities: the live selection, then the budget, the front, the scan, and
 * last the rest of the shown curve, nearest level first. */
static void test_pick_order(void **state)
{
	(void)state;
	struct job_ref j;
	tui_select_measure(&t, 0);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_LIVE, 0, 0.5);
	assert_int_equal(j.trial, 0);

	/* measured: the curve fills in, 0.4 then 0.6 then 0.3 ... */
	measured(0, PERTURB_PRUNE, 0.5);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_FILL, 0, 0.4);
	measured(0, PERTURB_PRUNE, 0.4);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_FILL, 0, 0.6);
	assert_false(t.live_want);	/* satisfied: not asked for twice */

	/* only while the curve is shown */
	t.view = VIEW_HEATMAP;
	assert_int_equal(tui_jobs_pick(&t, &j), 0);

	/* the scan: row 0 skips the measured 0.4 and 0.5 */
	tui_heatmap_scan_start(&t);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_SCAN, 0, 0.1);
	measured(0, PERTURB_PRUNE, 0.1);
	measured(0, PERTURB_PRUNE, 0.2);
	measured(0, PERTURB_PRUNE, 0.3);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_SCAN, 0, 0.6);

	/* a budget edit comes first */
	t.budget.field = BF_PRUNE;
	tui_budget_step(&t, 1);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_int_equal(j.what, JOB_BUDGET);
	assert_int_equal(j.gen, t.budget.gen);

	/* and the live selection before everything */
	tui_select_layer(&t, 2);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_job(&j, JOB_LIVE, 2, 0.5);
}

/* A front's points are measured one by one, before the scan. */
static void test_pick_pareto(void **state)
{
	(void)state;
	struct job_ref j;
	t.view = VIEW_PARETO;
	tui_heatmap_scan_start(&t);
	tui_pareto_start(&t, "bits");
	assert_true(t.resched);
	assert_true(t.pareto.n >= 2);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_int_equal(j.what, JOB_PARETO);
	assert_int_equal(j.trial, 0);
	assert_int_equal(j.gen, t.pareto.gen);
	struct engine_progress p;
	memset(&p, 0, sizeof p);
	p.done = p.total = p.labelled = 10;
	p.correct = 9;
	p.finished = 1;
	tui_pareto_record(&t, &j, &p);
	assert_int_equal(t.pareto.pt[0].state, 1);
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_int_equal(j.trial, 1);
	/* a stale measurement of an older front changes nothing */
	struct job_ref old = j;
	old.gen = t.pareto.gen - 1;
	tui_pareto_record(&t, &old, &p);
	assert_int_equal(t.pareto.pt[1].state, 0);
	for (int i = 1; i < t.pareto.n; i++)
		t.pareto.pt[i].state = 1;
	assert_int_equal(tui_jobs_pick(&t, &j), 1);
	assert_int_equal(j.what, JOB_SCAN);
}

/* Waits for the running job to finish, feeding wake-ups to the state. */
static void run_to_end(void)
{
	for (int i = 0; i < 600 && t.run.active; i++) {
		struct pollfd fd = { engine_wake_fd(eng), POLLIN, 0 };
		if (poll(&fd, 1, 100) > 0)
			tui_jobs_on_wake(&t);
	}
	assert_false(t.run.active);
}

/* On the real engine: one submit per wanted job, none while it runs, the
 * result recorded, then the next point of the curve. */
static void test_schedule_on_engine(void **state)
{
	(void)state;
	tui_select_measure(&t, 0);
	tui_jobs_schedule(&t);
	assert_false(t.resched);
	assert_true(t.run.active);
	assert_int_equal(t.run.ref.what, JOB_LIVE);
	uint64_t id = t.run.id;
	tui_jobs_schedule(&t);	/* nothing changed: not submitted twice */
	assert_true(t.run.id == id);
	run_to_end();
	assert_true(t.resched);
	struct result_key k = tui_results_key(0, PERTURB_PRUNE, 0.5, 0);
	const struct result *r = tui_results_find(&t.results, &k);
	assert_non_null(r);
	assert_int_equal(r->trials, 1);
	assert_int_equal(r->images, 200);
	assert_true(tui_results_top1(r) > 0.5 && tui_results_top1(r) <= 1);
	tui_jobs_schedule(&t);
	assert_true(t.run.active);
	assert_int_equal(t.run.ref.what, JOB_FILL);
	assert_true(tui_levels_same(t.run.ref.key.level, 0.4));
	assert_true(t.run.id != id);

	/* nothing wanted: the running job is cancelled, nothing else submitted */
	t.view = VIEW_HEATMAP;
	tui_jobs_schedule(&t);
	assert_false(t.run.active);
	char buf[32];
	assert_string_equal(tui_jobs_activity(&t, buf, sizeof buf), "idle");
}

/* Trials: the spread over them, whether all saw every image, each one's row;
 * exact measuring (E) does not count an early-stopped estimate as measured. */
static void test_results_trials(void **state)
{
	(void)state;
	const double drops[] = { 0.24, 86.91, 79.07, 0.78, 87.08 };
	struct result_key k = tui_results_key(2, PERTURB_BITFLIP_EXP, 1e-3, t.seed);
	struct scan_row row;
	memset(&row, 0, sizeof row);
	row.layer = 2;
	row.kind = PERTURB_BITFLIP_EXP;
	row.level = 1e-3;
	for (int i = 0; i < 5; i++) {
		row.trial = i;
		row.drop = drops[i];
		row.images = i == 3 ? 150 : 200;	/* one trial stopped early */
		tui_results_add(&t.results, &k, &row, NAN, 200);
	}
	const struct result *r = tui_results_find(&t.results, &k);
	assert_non_null(r);
	double sd, mn, mx;
	tui_results_spread(r, &sd, &mn, &mx);
	assert_true(fabs(tui_results_drop(r) - 50.816) < 1e-9);
	assert_true(fabs(sd - 46.0371) < 1e-3);	/* sample sd (n - 1) */
	assert_true(mn == 0.24 && mx == 87.08);
	assert_int_equal(r->min_images, 150);
	assert_false(tui_results_exact(r));
	const struct scan_row *rows[8];
	assert_int_equal(tui_results_trial_rows(&t.results, &k, rows, 8), 5);
	assert_true(rows[1]->drop == 86.91);
	assert_int_equal(tui_results_have(&t, &k), 5);
	t.exact = 1;
	assert_int_equal(tui_results_have(&t, &k), 0);
	t.exact = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_selection, fresh, done),
		cmocka_unit_test_setup_teardown(test_selection_measures_weight_layers_only, fresh, done),
		cmocka_unit_test_setup_teardown(test_scan_plan, fresh, done),
		cmocka_unit_test_setup_teardown(test_ladder_linear, fresh, done),
		cmocka_unit_test_setup_teardown(test_ladder_integer, fresh, done),
		cmocka_unit_test_setup_teardown(test_ladder_logarithmic, fresh, done),
		cmocka_unit_test_setup_teardown(test_budget_edits, fresh, done),
		cmocka_unit_test_setup_teardown(test_budget_undo, fresh, done),
		cmocka_unit_test_setup_teardown(test_tour_steps, fresh, done),
		cmocka_unit_test_setup_teardown(test_marks, fresh, done),
		cmocka_unit_test_setup_teardown(test_classes_order, fresh, done),
		cmocka_unit_test_setup_teardown(test_pick_order, fresh, done),
		cmocka_unit_test_setup_teardown(test_pick_pareto, fresh, done),
		cmocka_unit_test_setup_teardown(test_schedule_on_engine, fresh, done),
		cmocka_unit_test_setup_teardown(test_results_trials, fresh, done),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
