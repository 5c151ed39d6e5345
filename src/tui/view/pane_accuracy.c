/* pane_accuracy.c - live accuracy of the selection: baseline and current
 * top-1 (a detector's mAP@.5: metric.h), the paired drop with its 95%
 * interval (or its spread over trials), images done, images/s and a progress
 * bar; the cached result once measured, saying whether it is exact (every
 * image) or an early-stopped estimate. */
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
	double sd, min, max;	/* over trials (NAN with one) */
	int done, total;	/* images (the fewest a finished trial used) / in the set */
	int estimated;		/* on fewer images than the set: running, or stopped early */
	double rate;		/* images/s, 0 when not running */
	int running, trial, trials;
};

/* While a job runs, top-1 is the baseline less the paired drop on the
 * images done, so that `now` and `drop` never disagree. */
static int from_progress(const struct tui *t, const struct engine_progress *p, int trial, int trials, struct shown *s)
{
	progress_drop(p, &s->drop, &s->lo, &s->hi);
	s->top1 = p->done < p->total ? progress_top1(engine_baseline(t->eng)) - s->drop / 100 : progress_top1(p);
	s->agree = progress_agree(p);
	s->kl = progress_kl(p);
	s->iou = progress_det_iou(p);
	s->sd = s->min = s->max = NAN;
	s->done = p->done;
	s->total = p->total;
	s->estimated = p->done < p->total;
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
		return from_progress(t, p, trial, trials, s);
	const struct result *r = tui_results_find(&t->results, &k);
	if (r == NULL)
		return 0;
	s->top1 = tui_results_top1(r);
	s->drop = tui_results_drop(r);
	tui_results_interval(r, &s->lo, &s->hi);
	if (r->trials > 1)
		tui_results_spread(r, &s->sd, &s->min, &s->max);
	else
		s->sd = s->min = s->max = NAN;
	s->agree = r->agree / r->trials;
	s->kl = r->kl / r->trials;
	s->iou = r->iou / r->trials;
	s->done = (int)r->min_images;
	s->total = (int)r->total;
	s->estimated = !tui_results_exact(r);
	s->rate = 0;
	s->running = 0;
	s->trial = r->trials;
	s->trials = trials;
	return 1;
}

/* "exact 10000/10000" or "est. 7344/10000 img": whether the figures above
 * are final or an estimate on part of the set. */
static void progress_line(const struct tui_view *v, const struct tui_rect *r, int y, const struct shown *s)
{
	char text[96], rate[32];
	const char *state = s->estimated ? "est." : "exact";
	if (s->running)
		snprintf(text, sizeof text, " %s %d/%d %s/s", state, s->done, s->total, fmt_si(s->rate, rate, sizeof rate));
	else
		snprintf(text, sizeof text, " %s %d/%d%s", state, s->done, s->total, s->estimated ? " img" : "");
	if (s->trials > 1) {
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, " t%d/%d", s->running ? s->trial + 1 : s->trial, s->trials);
	}
	int tw = tui_draw_width(text), bw = r->w - tw;
	double frac = s->total ? (double)s->done / s->total : 0;
	tui_draw_hbar(v, r, y, 0, bw, frac, v->attr[s->running || s->estimated ? R_ACCENT : R_GOOD], v->g.bar_empty);
	tui_draw_text(r, y, bw, v->attr[s->estimated ? R_WARN : R_NORMAL], text);
}

/* The drop's qualifier: its 95% interval for one trial, the spread over
 * several (the trials of a bit flip can differ by tens of points), the
 * longest form that fits. */
static void drop_tail(const struct tui_view *v, const struct tui *t, const struct shown *s, int room, char *buf, size_t size)
{
	const char *u = tui_metric_unit(t);
	if (isnan(s->sd)) {
		snprintf(buf, size, "%s [%.2f, %.2f] 95%%", u, s->lo, s->hi);
		if (tui_draw_width(buf) > room)
			snprintf(buf, size, "%s [%.2f, %.2f]", u, s->lo, s->hi);
		return;
	}
	const char *pm = v->g.utf8 ? "±" : "+-";
	snprintf(buf, size, "%s %.2g %s, min %.2f max %.2f, %d trials", pm, s->sd, u, s->min, s->max, s->trial);
	if (tui_draw_width(buf) > room)
		snprintf(buf, size, "%s%.2g %s min %.2f max %.2f", pm, s->sd, u, s->min, s->max);
	if (tui_draw_width(buf) > room)
		snprintf(buf, size, "%s%.2g %s %.3g%s%.3g", pm, s->sd, u, s->min, v->g.utf8 ? "–" : "..", s->max);
}

/* top-1 now and the paired drop, or agreement and KL (a detector's F1 and
 * IoU of its boxes) when nothing is labelled. */
static void numbers(const struct tui_view *v, const struct tui *t, const struct tui_rect *r, const struct shown *s,
    int labelled)
{
	char agree[64], tail[96];
	tui_metric_agreement(t, s->agree, s->kl, s->iou, agree, sizeof agree);
	if (!labelled) {
		tui_draw_text(r, 2, 0, v->attr[R_NORMAL], agree);
		return;
	}
	int role = isnan(s->drop) ? R_NORMAL : tui_draw_heat_role(s->drop);
	tui_draw_text(r, 1, 14, v->attr[R_DIM], "now");
	tui_draw_textf(r, 1, 18, v->attr[role], "%.2f%%", 100 * s->top1);
	tui_draw_text(r, 2, 0, v->attr[R_DIM], "drop");
	int x = 5 + snprintf(NULL, 0, "%.2f", s->drop) + 1;
	tui_draw_textf(r, 2, 5, v->attr[role], "%.2f", s->drop);
	drop_tail(v, t, s, r->w - x, tail, sizeof tail);
	if (r->h <= 4 && isnan(s->sd) && !isnan(s->kl) && !tui_metric_detector(t)) {
		/* 80x24 has no line for the label-free measures: KL joins the
		 * drop (the interval without its "95%", which ? explains) */
		char kl[96];
		snprintf(kl, sizeof kl, "%s [%.2f, %.2f] KL %.3f", tui_metric_unit(t), s->lo, s->hi, s->kl);
		if (tui_draw_width(kl) <= r->w - x)
			snprintf(tail, sizeof tail, "%s", kl);
	}
	tui_draw_text(r, 2, x, v->attr[R_DIM], tail);
	if (r->h > 4 && !isnan(s->agree))	/* label-free measures, on taller screens */
		tui_draw_text(r, 4, 0, v->attr[R_DIM], agree);
	else if (!isnan(s->agree) && !tui_metric_detector(t) && r->w >= 37)	/* 80x24: the agreement at least */
		tui_draw_textf(r, 1, 26, v->attr[R_DIM], "agree %.1f%%", 100 * s->agree);
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

const struct tui_pane tui_pane_accuracy = { "Accuracy", draw, NULL, NULL, NULL };
