/* jobs.c - decides what the one engine runs, and collects what it measured.
 *
 * Declarative: the state says what is wanted (the live selection, the
 * picture view's boxes of the selection, the budget, the next Pareto point,
 * the next heatmap scan cell, in that order of priority); tui_jobs_schedule()
 * pulls the first of them and compares it with what runs, and submits when
 * they differ.  engine_submit cancels the old
 * job, so a user change preempts a scan cell, which is simply asked for again
 * later because it is still not in the results.  With nothing else to do and
 * the curve on screen, the rest of the selected layer's curve is measured.
 * The producers never call back: the loop calls tui_jobs_schedule when
 * t->resched says something changed. */
#include "tui/state/jobs.h"
#include "tui/state/classes.h"
#include "tui/state/gallery.h"
#include "tui/state/heatmap_scan.h"
#include "tui/state/levels.h"
#include "tui/state/msg.h"
#include "tui/state/pareto.h"
#include "tui/state/results.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scan cell or curve point stops once the drop is known to +-0.5 points
 * (95%), after at least SCAN_MIN_IMAGES: shades and dots, not decimals. */
#define SCAN_EPS 0.5
#define SCAN_MIN_IMAGES 1000

static int ref_same(const struct job_ref *a, const struct job_ref *b)
{
	if (a->what == JOB_BUDGET || b->what == JOB_BUDGET)
		return a->what == b->what && a->gen == b->gen;
	if (a->what == JOB_PARETO || b->what == JOB_PARETO)
		return a->what == b->what && a->gen == b->gen && a->trial == b->trial;
	/* a scan cell that is also the live selection: one job serves both */
	return tui_results_same(&a->key, &b->key) && a->trial == b->trial;
}

/* The missing curve point of a layer nearest to the current level. */
static int pick_fill_layer(struct tui *t, int layer, struct job_ref *out)
{
	enum perturb_kind k = t->kind;
	double lv[LADDER_MAX];
	if (!t->model->layers[layer].has_weights)
		return 0;
	int n = tui_levels_ladder(k, t->step[k], lv, LADDER_MAX), cur = 0;
	for (int i = 0; i < n; i++)
		if (tui_levels_same(lv[i], t->level[k]))
			cur = i;
	for (int d = 0; d < n; d++)
		for (int side = -1; side <= 1; side += 2) {
			int i = cur + side * d;
			if (i < 0 || i >= n || (d == 0 && side > 0))
				continue;
			struct result_key key = tui_results_key(layer, k, lv[i], t->seed);
			int have = tui_results_have(t, &key);
			if (have < tui_results_trials_wanted(t, k)) {
				*out = (struct job_ref){ .what = JOB_FILL, .key = key, .trial = have };
				return 1;
			}
		}
	return 0;
}

/* The selected layer's curve first, then the marked layers' (compared on
 * the same plot). */
static int pick_fill(struct tui *t, struct job_ref *out)
{
	if (t->view != VIEW_CURVE || t->fill_blocked)
		return 0;
	if (pick_fill_layer(t, t->layer, out))
		return 1;
	for (int i = 0; i < t->nmarks; i++)
		if (pick_fill_layer(t, t->marks[i], out))
			return 1;
	return 0;
}

int tui_jobs_pick(struct tui *t, struct job_ref *out)
{
	if (t->live_want) {
		int have = tui_results_have(t, &t->live.key);
		if (have < tui_results_trials_wanted(t, t->live.key.kind)) {
			*out = t->live;
			out->trial = have;
			return 1;
		}
		t->live_want = 0;
	}
	if (tui_gallery_wants(t, out))
		return 1;
	if (t->budget.want) {
		*out = (struct job_ref){ .what = JOB_BUDGET, .gen = t->budget.gen };
		return 1;
	}
	if (tui_pareto_next(t, out))
		return 1;
	if (t->scan.active && tui_heatmap_scan_next(t, out))
		return 1;
	return pick_fill(t, out);
}

static uint64_t submit(struct tui *t, const struct job_ref *ref, char **cause)
{
	struct job_item one, *items = &one;
	struct engine_job job = { 0 };
	if (ref->what == JOB_BUDGET) {
		job.nitems = budget_items(&t->budget.b, &items);
	} else if (ref->what == JOB_PARETO) {
		job.nitems = budget_items(&t->pareto.pt[ref->trial].b, &items);
	} else {
		const struct result_key *k = &ref->key;
		one.layer = k->layer;
		one.p = (struct perturb){ .kind = k->kind, .level = k->level, .rate = PERTURB_DEFAULT_RATE,
			.seed = perturb_trial_seed(k->seed, k->layer, (int)k->kind, k->level, ref->trial) };
		job.nitems = 1;
	}
	job.items = items;
	if ((ref->what == JOB_SCAN || ref->what == JOB_FILL) && !t->exact) {
		job.adaptive_eps = SCAN_EPS;
		job.min_images = SCAN_MIN_IMAGES;
	}
	uint64_t id = engine_submit(t->eng, &job, cause);
	if (items != &one)
		free(items);
	return id;
}

/* A job that cannot run: drop what asked for it so scheduling moves on. */
static void give_up(struct tui *t, const struct job_ref *ref, char *cause)
{
	if (ref->what == JOB_BUDGET) {
		t->budget.want = 0;
		tui_msg_fail(t, "budget", cause);
		return;
	}
	if (ref->what == JOB_PARETO) {
		tui_pareto_failed(t, ref);
		tui_msg_fail(t, "front", cause);
		return;
	}
	if (ref->what == JOB_BOXES)
		tui_gallery_failed(t, ref);
	if (ref->what == JOB_SCAN && t->scan.active)
		tui_heatmap_scan_cell_failed(t);
	if (ref->what == JOB_FILL)
		t->fill_blocked = 1;
	if (t->live_want && tui_results_same(&t->live.key, &ref->key))
		t->live_want = 0;
	tui_msg_fail(t, "measure", cause);
}

void tui_jobs_schedule(struct tui *t)
{
	t->resched = 0;
	struct job_ref want;
	for (;;) {
		if (!tui_jobs_pick(t, &want)) {
			if (t->run.active)
				engine_cancel(t->eng);
			t->run.active = 0;
			return;
		}
		if (t->run.active && ref_same(&t->run.ref, &want))
			return;
		char *cause = NULL;
		uint64_t id = submit(t, &want, &cause);
		if (id != 0) {
			t->run = (struct running){ .active = 1, .id = id, .ref = want };
			t->dirty = 1;
			return;
		}
		t->run.active = 0;
		give_up(t, &want, cause);	/* always clears something: the loop ends */
	}
}

static void record(struct tui *t, const struct engine_progress *p)
{
	const struct job_ref *ref = &t->run.ref;
	if (ref->what == JOB_BUDGET) {
		if (ref->gen == t->budget.gen) {
			t->budget.prog = *p;
			t->budget.prog_gen = ref->gen;
			t->budget.want = 0;
		}
		return;
	}
	if (ref->what == JOB_PARETO) {
		tui_pareto_record(t, ref, p);
		return;
	}
	if (ref->what == JOB_BOXES)
		return;		/* for the picture only: measured already */
	struct scan_row row;
	memset(&row, 0, sizeof row);
	row.layer = ref->key.layer;
	snprintf(row.layer_kind, sizeof row.layer_kind, "%s", t->model->layers[row.layer].kind_name);
	row.kind = ref->key.kind;
	row.level = ref->key.level;
	row.trial = ref->trial;
	progress_drop(p, &row.drop, &row.drop_lo, &row.drop_hi);
	/* an early stop's top-1 is the baseline less the paired drop, so that
	 * top-1 and drop speak of the same images (and of the whole set) */
	row.top1 = p->done < p->total ? progress_top1(engine_baseline(t->eng)) - row.drop / 100 : progress_top1(p);
	row.agree = progress_agree(p);
	row.kl = progress_kl(p);
	row.images = p->done;
	row.seconds = p->seconds;
	/* a first trial where others are kept: measuring again (E, exact) */
	const struct result *old = tui_results_find(&t->results, &ref->key);
	if (old != NULL && ref->trial < old->trials)
		tui_results_forget(&t->results, &ref->key);
	tui_results_add(&t->results, &ref->key, &row, progress_det_iou(p), p->total);
}

void tui_jobs_on_wake(struct tui *t)
{
	engine_drain_wake(t->eng);
	struct engine_progress p;
	uint64_t id = engine_poll(t->eng, &p);
	char *error = p.error;
	p.error = NULL;
	if (!t->run.active || id != t->run.id) {
		free(error);	/* a superseded job's last words */
		return;
	}
	t->run.prog = p;
	t->run.has_prog = 1;
	t->dirty = 1;
	if (error != NULL) {
		struct job_ref ref = t->run.ref;
		t->run.active = 0;
		give_up(t, &ref, error);
		t->resched = 1;
	} else if (p.finished) {
		tui_gallery_job_done(t, &t->run.ref);
		tui_classes_job_done(t, &t->run.ref);
		record(t, &p);
		t->run.active = 0;
		t->resched = 1;
	}
}

const struct engine_progress *tui_jobs_progress_for(const struct tui *t, const struct result_key *k, int *trial)
{
	if (!t->run.active || !t->run.has_prog || t->run.ref.what == JOB_BUDGET || t->run.ref.what == JOB_PARETO ||
	    !tui_results_same(&t->run.ref.key, k))
		return NULL;
	if (trial)
		*trial = t->run.ref.trial;
	return &t->run.prog;
}

const char *tui_jobs_activity(const struct tui *t, char *buf, size_t size)
{
	int done, total;
	if (!t->run.active) {
		snprintf(buf, size, "idle");
		return buf;
	}
	int pct = t->run.has_prog && t->run.prog.total ? 100 * t->run.prog.done / t->run.prog.total : 0;
	switch (t->run.ref.what) {
	case JOB_BUDGET:
		snprintf(buf, size, "budget %d%%", pct);
		break;
	case JOB_PARETO:
		snprintf(buf, size, "front %d/%d %d%%", t->run.ref.trial + 1, t->pareto.n, pct);
		break;
	case JOB_SCAN:
		tui_heatmap_scan_progress(t, &done, &total);
		snprintf(buf, size, "scan %d/%d", done, total);
		break;
	case JOB_FILL:
		snprintf(buf, size, "curve L%d %d%%", t->run.ref.key.layer, pct);
		break;
	default:
		snprintf(buf, size, "L%d %d%%", t->run.ref.key.layer, pct);
		break;
	}
	return buf;
}
