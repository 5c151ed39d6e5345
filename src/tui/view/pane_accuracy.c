/* pane_accuracy.c - live accuracy of the selection: baseline and current
 * top-1 (a detector's mAP@.5: metric.h), the paired drop with its 95% interval, images done, images/s and a
 * progress bar; the cached result once measured. */
#include "tui/view/panes.h"
#include "tui/view/draw.h"
#include "tui/state/jobs.h"
#include "tui/state/levels.h"
#include "tui/state/metric.h"
#include "tui/state/results.h"
#include "tui/state/select.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct shown {
	double top1, drop, lo, hi, agree, kl, iou;
	int done, total;
	double rate;		/* images/s, 0 when not running */
	int running, trial, trials;
};

static int from_progress(const struct engine_progress *p, int trial, int trials, struct shown *s)
{
	s->top1 = progress_top1(p);
	progress_drop(p, &s->drop, &s->lo, &s->hi);
	s->agree = progress_agree(p);
	s->kl = progress_kl(p);
	s->iou = progress_det_iou(p);
	s->done = p->done;
	s->total = p->total;
	s->rate = p->seconds > 0 ? p->done / p->seconds : 0;
	s->running = 1;
	s->trial = trial;
	s->trials = trials;
	return 1;
}

/* What to show for the selection: the running job, or the cached result. */
static int shown_get(const struct tui *t, struct shown *s)
{
	struct result_key k = tui_select_key(t);
	int trial, trials = tui_results_trials_wanted(t, k.kind);
	const struct engine_progress *p = tui_jobs_progress_for(t, &k, &trial);
	if (p != NULL)
		return from_progress(p, trial, trials, s);
	const struct result *r = tui_results_find(&t->results, &k);
	if (r == NULL)
		return 0;
	s->top1 = tui_results_top1(r);
	s->drop = tui_results_drop(r);
	tui_results_interval(r, &s->lo, &s->hi);
	s->agree = r->agree / r->trials;
	s->kl = r->kl / r->trials;
	s->iou = r->iou / r->trials;
	s->done = s->total = (int)r->images;
	s->rate = 0;
	s->running = 0;
	s->trial = r->trials;
	s->trials = trials;
	return 1;
}

static void progress_line(const struct tui_view *v, const struct tui_rect *r, int y, const struct shown *s)
{
	char text[96], rate[32];
	if (s->running)
		snprintf(text, sizeof text, " %d/%d %s/s", s->done, s->total, fmt_si(s->rate, rate, sizeof rate));
	else
		snprintf(text, sizeof text, " %d/%d done", s->done, s->total);
	if (s->trials > 1) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, " t%d/%d", s->running ? s->trial + 1 : s->trial, s->trials);
	}
	int tw = tui_draw_width(text), bw = r->w - tw;
	double frac = s->total ? (double)s->done / s->total : 0;
	tui_draw_hbar(v, r, y, 0, bw, frac, v->attr[s->running ? R_ACCENT : R_GOOD], v->g.bar_empty);
	tui_draw_text(r, y, bw, A_NORMAL, text);
}

/* top-1 now and the paired drop, or agreement and KL (a detector's F1 and
 * IoU of its boxes) when nothing is labelled. */
static void numbers(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, const struct shown *s,
    int labelled)
{
	char agree[64];
	tui_metric_agreement(t, s->agree, s->kl, s->iou, agree, sizeof agree);
	if (!labelled) {
		tui_draw_text(r, 2, 0, v->attr[R_NORMAL], agree);
		return;
	}
	int role = isnan(s->drop) ? R_NORMAL : tui_draw_heat_role(s->drop);
	tui_draw_text(r, 1, 14, v->attr[R_DIM], "now");
	tui_draw_textf(r, 1, 18, v->attr[role], "%.2f%%", 100 * s->top1);
	tui_draw_text(r, 2, 0, v->attr[R_DIM], "drop");
	tui_draw_textf(r, 2, 5, v->attr[role], "%.2f", s->drop);
	tui_draw_textf(r, 2, 5 + 1 + snprintf(NULL, 0, "%.2f", s->drop), v->attr[R_DIM], "%s [%.2f, %.2f] 95%%",
	    tui_metric_unit(t), s->lo, s->hi);
	if (r->h > 4 && !isnan(s->agree))	/* label-free measures, on taller screens */
		tui_draw_text(r, 4, 0, v->attr[R_DIM], agree);
}

static void body(const struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	const struct engine_progress *b = engine_baseline(t->eng);
	const struct layer_desc *l = &t->model->layers[t->layer];
	struct shown s;
	tui_draw_text(r, 1, 0, v->attr[R_DIM], "base");
	if (b->labelled > 0)
		tui_draw_textf(r, 1, 5, A_BOLD, "%.2f%%", 100 * progress_top1(b));
	else
		tui_draw_text(r, 1, 5, A_BOLD, "n/a (unlabeled data)");
	if (!l->has_weights) {
		tui_draw_textf(r, 2, 0, v->attr[R_DIM], "layer %d (%s) has no weights", l->index, l->kind_name);
		return;
	}
	if (!shown_get(t, &s)) {
		tui_draw_text(r, 2, 0, v->attr[R_DIM], t->live_want ? "queued" : "not measured: Enter measures");
		return;
	}
	numbers(v, t, r, &s, b->labelled > 0);
	progress_line(v, r, 3, &s);
}

static void draw(struct tui_view *v, const struct tui *t, const struct tui_rect *r)
{
	char title[96], level[32];
	const char *tag = tui_metric_tag(t);
	tui_levels_format(t->kind, t->level[t->kind], level, sizeof level);
	snprintf(title, sizeof title, "%s %s L%d %s %s", tag ? tag : "Accuracy", v->g.dot, t->layer,
	    perturb_kind_name(t->kind), level);
	tui_draw_title(v, r, title, 0);
	body(v, t, r);
}

const struct tui_pane tui_pane_accuracy = { "Accuracy", draw, NULL, NULL };
