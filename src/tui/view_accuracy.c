/* view_accuracy.c - live accuracy of the selection: baseline and current
 * top-1, the paired drop with its 95% interval, images done, images/s and a
 * progress bar; the cached result once measured. */
#include "tui/tui.h"
#include "core/format.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct shown {
	double top1, drop, lo, hi, agree, kl;
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
	struct result_key k = jobs_selection(t);
	int trial, trials = results_trials_wanted(t, k.kind);
	const struct engine_progress *p = jobs_progress_for(t, &k, &trial);
	if (p != NULL)
		return from_progress(p, trial, trials, s);
	const struct result *r = results_find(&t->results, &k);
	if (r == NULL)
		return 0;
	s->top1 = result_top1(r);
	s->drop = result_drop(r);
	result_interval(r, &s->lo, &s->hi);
	s->agree = r->agree / r->trials;
	s->kl = r->kl / r->trials;
	s->done = s->total = (int)r->images;
	s->rate = 0;
	s->running = 0;
	s->trial = r->trials;
	s->trials = trials;
	return 1;
}

static void progress_line(const struct tui *t, const struct tui_rect *r, int y, const struct shown *s)
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
	int tw = draw_width(text), bw = r->w - tw;
	double frac = s->total ? (double)s->done / s->total : 0;
	draw_hbar(t, r, y, 0, bw, frac, t->attr[s->running ? R_ACCENT : R_GOOD], t->g.bar_empty);
	draw_text(r, y, bw, A_NORMAL, text);
}

/* top-1 now and the paired drop, or agreement and KL when nothing is labelled. */
static void numbers(struct tui *t, const struct tui_rect *r, const struct shown *s, int labelled)
{
	if (!labelled) {
		draw_textf(r, 2, 0, t->attr[R_NORMAL], "agree %.2f%%  KL %.4f", 100 * s->agree, s->kl);
		return;
	}
	int role = isnan(s->drop) ? R_NORMAL : draw_heat_role(s->drop);
	draw_text(r, 1, 14, t->attr[R_DIM], "now");
	draw_textf(r, 1, 18, t->attr[role], "%.2f%%", 100 * s->top1);
	draw_text(r, 2, 0, t->attr[R_DIM], "drop");
	draw_textf(r, 2, 5, t->attr[role], "%.2f", s->drop);
	draw_textf(r, 2, 5 + 1 + snprintf(NULL, 0, "%.2f", s->drop), t->attr[R_DIM], "pts [%.2f, %.2f] 95%%",
	    s->lo, s->hi);
	if (r->h > 4 && !isnan(s->agree))	/* label-free measures, on taller screens */
		draw_textf(r, 4, 0, t->attr[R_DIM], "agree %.2f%%  KL %.4f", 100 * s->agree, s->kl);
}

static void body(struct tui *t, const struct tui_rect *r)
{
	const struct engine_progress *b = engine_baseline(t->eng);
	const struct layer_desc *l = &t->model->layers[t->layer];
	struct shown s;
	draw_text(r, 1, 0, t->attr[R_DIM], "base");
	if (b->labelled > 0)
		draw_textf(r, 1, 5, A_BOLD, "%.2f%%", 100 * progress_top1(b));
	else
		draw_text(r, 1, 5, A_BOLD, "n/a (unlabeled data)");
	if (!l->has_weights) {
		draw_textf(r, 2, 0, t->attr[R_DIM], "layer %d (%s) has no weights", l->index, l->kind_name);
		return;
	}
	if (!shown_get(t, &s)) {
		draw_text(r, 2, 0, t->attr[R_DIM], t->live_want ? "queued" : "not measured: Enter measures");
		return;
	}
	numbers(t, r, &s, b->labelled > 0);
	progress_line(t, r, 3, &s);
}

void view_accuracy_draw(struct tui *t)
{
	const struct tui_rect *r = &t->r_acc;
	char title[96], level[32];
	levels_format(t->kind, t->level[t->kind], level, sizeof level);
	snprintf(title, sizeof title, "Accuracy %s L%d %s %s", t->g.dot, t->layer, perturb_kind_name(t->kind), level);
	draw_title(t, r, title, 0);
	body(t, r);
}
