/* criteria.c - see criteria.h */
#include "engine/criteria.h"
#include "backend/backend.h"
#include "engine/engine.h"
#include "engine/parallel.h"
#include "core/rng.h"
#include "core/stats.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRADIENT_MASK ((1u << CRIT_GRAD) | (1u << CRIT_TAYLOR) | (1u << CRIT_FISHER) | \
	(1u << CRIT_HESSIAN) | (1u << CRIT_IG))

int criteria_parse(const char *text, unsigned *mask, char **cause)
{
	char *copy = xstrdup(text), *save = NULL;
	*mask = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		enum criterion c;
		if (strcmp(tok, "all") == 0) {
			*mask |= (1u << CRIT_COUNT) - 1;
			continue;
		}
		if (criterion_from_name(tok, &c) != 0) {
			*cause = xasprintf("--criterion: unknown criterion '%s' (magnitude, l2, l2pp, params, macs, "
			    "grad, taylor, fisher, hessian, ig, quick or all)", tok);
			free(copy);
			return -1;
		}
		*mask |= 1u << c;
		if (c == CRIT_L2)
			*mask |= 1u << CRIT_L2PP;
	}
	free(copy);
	if (*mask == 0) {
		*cause = xstrdup("--criterion: no criterion given");
		return -1;
	}
	return 0;
}

void criteria_opts_init(struct criteria_opts *o)
{
	memset(o, 0, sizeof *o);
	o->samples = 512;
	o->probes = 4;
	o->ig_steps = 8;
	o->hvp_eps = 0.1;
	o->seed = 1;
	o->quick = (struct perturb){ .kind = PERTURB_PRUNE, .level = 0.5, .rate = PERTURB_DEFAULT_RATE };
}

static void score_set(struct criteria_table *t, int row, enum criterion c, double v)
{
	int j = criteria_column(t, c);
	if (j >= 0)
		t->score[(size_t)row * t->ncols + j] = v;
}

void criteria_rank(struct criteria_table *t)
{
	double *x = xmalloc((size_t)(t->n > 0 ? t->n : 1) * sizeof *x);
	double *r = xmalloc((size_t)(t->n > 0 ? t->n : 1) * sizeof *r);
	int *row = xmalloc((size_t)(t->n > 0 ? t->n : 1) * sizeof *row);
	for (int j = 0; j < t->ncols; j++) {
		int m = 0;
		for (int i = 0; i < t->n; i++) {
			double v = t->score[(size_t)i * t->ncols + j];
			t->rank[(size_t)i * t->ncols + j] = NAN;
			if (isfinite(v)) {
				row[m] = i;
				x[m++] = -v;	/* ascending ranks of -score: 1 = highest score */
			}
		}
		stats_ranks(x, m, r);
		for (int k = 0; k < m; k++)
			t->rank[(size_t)row[k] * t->ncols + j] = r[k];
	}
	free(x);
	free(r);
	free(row);
}

/* ---- agreement with a measured ground truth -------------------------------- */

void criteria_agree(const double *score, const double *truth, int n, int k, struct criteria_agreement *out)
{
	double *a = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *a);
	double *b = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *b);
	int m = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(score[i]) && isfinite(truth[i])) {
			a[m] = score[i];
			b[m++] = truth[i];
		}
	out->spearman = stats_spearman(a, b, m);
	out->kendall = stats_kendall(a, b, m);
	out->k = k < m ? k : m;
	out->topk = stats_topk_overlap(a, b, m, out->k);
	free(a);
	free(b);
}

int criteria_best(const double *v, int n, int *second)
{
	int best = -1, next = -1;
	for (int j = 0; j < n; j++) {
		if (!isfinite(v[j]))
			continue;
		if (best < 0 || v[j] > v[best]) {
			next = best;
			best = j;
		} else if (next < 0 || v[j] > v[next]) {
			next = j;
		}
	}
	if (second)
		*second = next;
	return best;
}

/* ---- weight statistics ------------------------------------------------------ */

static void static_scores(const struct model *m, struct criteria_table *t)
{
	int row = 0;
	for (int l = 0; l < m->n; l++) {
		const struct layer_desc *d = &m->layers[l];
		if (!d->has_weights)
			continue;
		double s1 = 0, s2 = 0, n = (double)d->wt.nweights;
		for (size_t k = 0; k < d->wt.nweights; k++) {
			double w = d->wt.weights[k];
			s1 += fabs(w);
			s2 += w * w;
		}
		t->layers[row] = l;
		snprintf(t->kinds[row], sizeof t->kinds[row], "%s", d->kind_name);
		score_set(t, row, CRIT_MAGNITUDE, n > 0 ? s1 / n : 0);
		score_set(t, row, CRIT_L2, sqrt(s2));
		score_set(t, row, CRIT_L2PP, n > 0 ? sqrt(s2 / n) : 0);
		score_set(t, row, CRIT_PARAMS, (double)d->params);
		score_set(t, row, CRIT_MACS, (double)d->macs);
		row++;
	}
}

void criteria_static(const struct model *m, unsigned mask, struct criteria_table *out)
{
	criteria_table_init(out, model_weight_layers(m), mask & CRITERIA_STATIC_MASK);
	static_scores(m, out);
	criteria_rank(out);
}

/* ---- gradient passes ---------------------------------------------------------- */

/* Everything one gradient pass needs; grads[l] is the buffer of layer l or NULL. */
struct gpass {
	struct backend_net *net;
	const struct model *m;
	const float *x;
	const int *labels;
	const float *truth;	/* a detector's truth rows (n × truths), or NULL */
	size_t truths;
	int n;
	size_t insize;
	float **grads;
	volatile sig_atomic_t *interrupt;
};

static void gpass_init(struct gpass *g, struct backend_net *net, const float *x, const int *labels,
    const float *truth, int n)
{
	memset(g, 0, sizeof *g);
	g->net = net;
	g->m = backend_model(net);
	g->x = x;
	g->labels = labels;
	g->truth = truth;
	g->truths = backend_truths(net);
	g->n = n;
	g->insize = (size_t)g->m->input.w * g->m->input.h * g->m->input.c;
	g->grads = xcalloc((size_t)g->m->n, sizeof *g->grads);
}

static void gpass_free(struct gpass *g)
{
	free(g->grads);
	g->grads = NULL;
}

/* Gradient of the loss summed over all n images into `out` (layer's weights only). */
static int gpass_layer(struct gpass *g, int layer, float *out, char **cause)
{
	double loss;
	g->grads[layer] = out;
	int rc = backend_gradients(g->net, g->x, g->labels, g->truth, g->n, g->grads, &loss, cause);
	g->grads[layer] = NULL;
	return rc;
}

static double rms(const float *w, size_t n)
{
	double s = 0;
	for (size_t k = 0; k < n; k++)
		s += (double)w[k] * w[k];
	return n ? sqrt(s / (double)n) : 0;
}

static int interrupted(volatile sig_atomic_t *flag)
{
	return flag != NULL && *flag != 0;
}

/* Hutchinson: tr(H) = E[v'Hv] for Rademacher v, with
 * Hv = (g(w + hv) - g(w - hv)) / 2h, g the gradient of the mean loss. */
static int hessian_trace(struct gpass *g, int layer, int probes, double eps, uint64_t seed,
    double *trace, char **cause)
{
	struct weight_tensor *wt = &g->m->layers[layer].wt;
	size_t nw = wt->nweights;
	float *w0 = xmalloc(nw * sizeof *w0), *v = xmalloc(nw * sizeof *v);
	float *gp = xmalloc(nw * sizeof *gp), *gm = xmalloc(nw * sizeof *gm);
	memcpy(w0, wt->weights, nw * sizeof *w0);
	double h = eps * rms(w0, nw);
	if (!(h > 0))
		h = eps;
	struct rng r;
	rng_seed(&r, rng_mix64(seed) ^ (uint64_t)layer);
	double sum = 0;
	int rc = 0, p;
	for (p = 0; p < probes && rc == 0 && !interrupted(g->interrupt); p++) {
		for (size_t k = 0; k < nw; k++)
			v[k] = (rng_u64(&r) >> 63) ? 1.f : -1.f;
		for (size_t k = 0; k < nw; k++)
			wt->weights[k] = (float)(w0[k] + h * v[k]);
		rc = gpass_layer(g, layer, gp, cause);
		for (size_t k = 0; k < nw; k++)
			wt->weights[k] = (float)(w0[k] - h * v[k]);
		if (rc == 0)
			rc = gpass_layer(g, layer, gm, cause);
		memcpy(wt->weights, w0, nw * sizeof *w0);	/* exact restore */
		double q = 0;
		for (size_t k = 0; rc == 0 && k < nw; k++)
			q += v[k] * ((double)gp[k] - gm[k]);
		sum += q / (2 * h * g->n);
	}
	*trace = p > 0 ? sum / p : NAN;
	free(w0);
	free(v);
	free(gp);
	free(gm);
	return rc != 0 ? -1 : interrupted(g->interrupt) ? 1 : 0;
}

/* Integrated gradients along alpha*w, alpha in (0,1], midpoint rule. */
static int integrated_gradients(struct gpass *g, int layer, int steps, double *abs_sum, double *signed_sum,
    char **cause)
{
	struct weight_tensor *wt = &g->m->layers[layer].wt;
	size_t nw = wt->nweights;
	float *w0 = xmalloc(nw * sizeof *w0), *gr = xmalloc(nw * sizeof *gr);
	double *acc = xcalloc(nw, sizeof *acc);
	memcpy(w0, wt->weights, nw * sizeof *w0);
	int rc = 0;
	for (int s = 0; s < steps && rc == 0 && !interrupted(g->interrupt); s++) {
		double alpha = (s + 0.5) / steps;
		for (size_t k = 0; k < nw; k++)
			wt->weights[k] = (float)(alpha * w0[k]);
		rc = gpass_layer(g, layer, gr, cause);
		for (size_t k = 0; rc == 0 && k < nw; k++)
			acc[k] += gr[k];
	}
	memcpy(wt->weights, w0, nw * sizeof *w0);	/* exact restore */
	double sa = 0, ss = 0;
	for (size_t k = 0; k < nw; k++) {
		double ig = w0[k] * acc[k] / ((double)steps * g->n);
		sa += fabs(ig);
		ss += ig;
	}
	*abs_sum = sa;
	*signed_sum = ss;
	free(w0);
	free(gr);
	free(acc);
	return rc != 0 ? -1 : interrupted(g->interrupt) ? 1 : 0;
}

int criteria_hessian_trace(struct backend_net *net, const float *x, const int *labels, int n,
    int layer, int probes, double eps, uint64_t seed, double *trace, char **cause)
{
	struct gpass g;
	gpass_init(&g, net, x, labels, NULL, n);
	int rc = hessian_trace(&g, layer, probes, eps, seed, trace, cause);
	gpass_free(&g);
	return rc;
}

int criteria_integrated_gradients(struct backend_net *net, const float *x, const int *labels, int n,
    int layer, int steps, double *abs_sum, double *signed_sum, char **cause)
{
	struct gpass g;
	gpass_init(&g, net, x, labels, NULL, n);
	int rc = integrated_gradients(&g, layer, steps, abs_sum, signed_sum, cause);
	gpass_free(&g);
	return rc;
}

static void report(const struct criteria_opts *o, const char *what, int done, int total)
{
	if (o->progress)
		o->progress(what, done, total, o->progress_ctx);
}

/* grad, taylor and fisher: one backward pass per mini-batch, statistics of
 * the batch-mean gradient averaged over batches. */
static int first_order(struct gpass *g, int batch, const struct criteria_opts *o, struct criteria_table *t,
    char **cause)
{
	const struct model *m = g->m;
	int nb = g->n / batch, rc = 0;
	double *sg = xcalloc((size_t)t->n, sizeof *sg), *st = xcalloc((size_t)t->n, sizeof *st);
	double *sf = xcalloc((size_t)t->n, sizeof *sf);
	for (int i = 0; i < t->n; i++)
		g->grads[t->layers[i]] = xmalloc(m->layers[t->layers[i]].wt.nweights * sizeof(float));
	for (int b = 0; b < nb && rc == 0; b++) {
		double loss;
		if (interrupted(g->interrupt)) {
			rc = 1;
			break;
		}
		if (backend_gradients(g->net, g->x + (size_t)b * batch * g->insize, g->labels + (size_t)b * batch,
		    g->truth ? g->truth + (size_t)b * batch * g->truths : NULL, batch, g->grads, &loss, cause) != 0) {
			rc = -1;
			break;
		}
		for (int i = 0; i < t->n; i++) {
			const struct weight_tensor *wt = &m->layers[t->layers[i]].wt;
			const float *gr = g->grads[t->layers[i]];
			double n2 = 0, ta = 0;
			for (size_t k = 0; k < wt->nweights; k++) {
				double gk = (double)gr[k] / batch;
				n2 += gk * gk;
				ta += fabs(wt->weights[k] * gk);
			}
			sg[i] += sqrt(n2);
			st[i] += ta;
			sf[i] += n2;
		}
		report(o, "gradients", b + 1, nb);
	}
	for (int i = 0; i < t->n; i++) {
		score_set(t, i, CRIT_GRAD, rc == 0 ? sg[i] / nb : NAN);
		score_set(t, i, CRIT_TAYLOR, rc == 0 ? st[i] / nb : NAN);
		score_set(t, i, CRIT_FISHER, rc == 0 ? sf[i] / nb : NAN);
		free(g->grads[t->layers[i]]);
		g->grads[t->layers[i]] = NULL;
	}
	free(sg);
	free(st);
	free(sf);
	return rc;
}

static int second_order(struct gpass *g, const struct criteria_opts *o, struct criteria_table *t, char **cause)
{
	int rc = 0;
	if (o->mask & (1u << CRIT_HESSIAN))
		for (int i = 0; i < t->n && rc == 0; i++) {
			double tr;
			rc = hessian_trace(g, t->layers[i], o->probes, o->hvp_eps, o->seed, &tr, cause);
			score_set(t, i, CRIT_HESSIAN, rc == 0 ? tr : NAN);
			report(o, "hessian", i + 1, t->n);
		}
	if (o->mask & (1u << CRIT_IG))
		for (int i = 0; i < t->n && rc == 0; i++) {
			double sa, ss;
			rc = integrated_gradients(g, t->layers[i], o->ig_steps, &sa, &ss, cause);
			score_set(t, i, CRIT_IG, rc == 0 ? sa : NAN);
			report(o, "integrated gradients", i + 1, t->n);
		}
	return rc;
}

/* The first n images, decoded in parallel blocks when they are not all in
 * memory: gradients run over them many times (probes, steps), so they are
 * held for the pass; --samples bounds them. */
#define FETCH_BLOCK 8

struct fetch_ctx {
	const struct dataset *d;
	int n;
	float *out;
	char **why;		/* per block */
};

static void fetch_block(void *vctx, int blk)
{
	struct fetch_ctx *c = vctx;
	int start = blk * FETCH_BLOCK, m = c->n - start < FETCH_BLOCK ? c->n - start : FETCH_BLOCK;
	if (dataset_fetch(c->d, start, m, c->out + (size_t)start * c->d->image_size, &c->why[blk]) != 0)
		return;
	c->why[blk] = NULL;
}

static const float *first_images(const struct dataset *d, int n, int threads, float **owned, char **cause)
{
	*owned = NULL;
	if (n <= dataset_cached(d))
		return d->x;
	char what[512];
	snprintf(what, sizeof what, "%s: %d images for gradients", d->source, n);
	mem_reserve((double)n * d->image_size * sizeof(float), what);
	int nblk = (n + FETCH_BLOCK - 1) / FETCH_BLOCK;
	struct fetch_ctx c = { d, n, xmalloc((size_t)n * d->image_size * sizeof(float)),
	    xcalloc((size_t)nblk, sizeof(char *)) };
	parallel_run(threads, nblk, fetch_block, &c);
	int bad = -1;
	for (int b = 0; b < nblk; b++)
		if (c.why[b] != NULL) {
			if (bad < 0)
				*cause = c.why[b];
			else
				free(c.why[b]);
			bad = b;
		}
	free(c.why);
	if (bad >= 0) {
		free(c.out);
		return NULL;
	}
	return *owned = c.out;
}

/* A detector's loss reads boxes: the first n images' truth rows. */
static float *det_truth_rows(struct backend_net *net, const struct dataset *d, int n)
{
	size_t tr = backend_truths(net);
	float *rows = xmalloc((size_t)n * tr * sizeof *rows);
	for (int i = 0; i < n; i++)
		backend_det_truth(net, d->truth + d->truth_first[i], (int)(d->truth_first[i + 1] - d->truth_first[i]),
		    d->img_w[i], d->img_h[i], rows + (size_t)i * tr);
	return rows;
}

static int gradient_scores(struct backend_net *net, const struct dataset *d, int n, int batch,
    const struct criteria_opts *o, struct criteria_table *t, char **cause)
{
	float *owned;
	const float *x = first_images(d, n, o->threads, &owned, cause);
	if (x == NULL)
		return -1;
	float *truth = d->detection ? det_truth_rows(net, d, n) : NULL;
	struct gpass g;
	gpass_init(&g, net, x, d->labels, truth, n);
	g.interrupt = o->interrupt;
	int rc = 0;
	if (o->mask & ((1u << CRIT_GRAD) | (1u << CRIT_TAYLOR) | (1u << CRIT_FISHER)))
		rc = first_order(&g, batch, o, t, cause);
	if (rc == 0)
		rc = second_order(&g, o, t, cause);
	gpass_free(&g);
	free(owned);
	free(truth);
	return rc;
}

/* quick: the engine measures the drop of one perturbation per layer on the
 * first n images (a borrowed view of the data set). */
static int quick_scores(const char *cfg, const char *weights, const struct dataset *d, int n,
    const struct criteria_opts *o, struct criteria_table *t, char **cause)
{
	struct dataset view = *d;
	view.count = n;
	if (view.cached > n)
		view.cached = n;
	struct engine_config ec = { .threads = o->threads, .cache_mb = 256 };
	struct engine *e = engine_new(cfg, weights, &view, &ec, cause);
	if (e == NULL)
		return -1;
	int rc = 0;
	for (int i = 0; i < t->n && rc == 0; i++) {
		struct job_item item = { t->layers[i], o->quick };
		item.p.seed = perturb_trial_seed(o->seed, item.layer, (int)o->quick.kind, o->quick.level, 0);
		struct engine_job job = { .nitems = 1, .items = &item };
		struct engine_progress p;
		double drop, lo, hi;
		if (engine_run(e, &job, &p, o->interrupt, cause) != 0) {
			rc = -1;
			break;
		}
		if (!p.finished) {
			rc = 1;
			break;
		}
		progress_drop(&p, &drop, &lo, &hi);
		score_set(t, i, CRIT_QUICK, p.labelled > 0 ? drop : NAN);
		report(o, "quick", i + 1, t->n);
	}
	engine_free(e);
	return rc;
}

static int check_labels(const struct dataset *d, int n, char **cause)
{
	if (d->detection) {
		if (d->labelled_files == 0) {
			*cause = xasprintf("%s: gradient criteria need ground truth (no image has a label file)",
			    d->source);
			return -1;
		}
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (d->labels[i] < 0) {
			*cause = xasprintf("%s: gradient criteria need labelled images (image %d has no label)", d->source, i);
			return -1;
		}
	return 0;
}

int criteria_compute(const char *cfg, const char *weights, const struct dataset *d,
    const struct criteria_opts *o, struct criteria_table *out, char **cause)
{
	int n = o->samples < d->count ? o->samples : d->count;
	int need_grad = (o->mask & GRADIENT_MASK) != 0;
	int batch = o->batch > 0 ? o->batch : n < 32 ? n : 32;
	memset(out, 0, sizeof *out);
	if (need_grad || (o->mask & (1u << CRIT_QUICK))) {
		if (n < 1) {
			*cause = xasprintf("%s: no images for gradient or quick criteria", d->source);
			return -1;
		}
		if (need_grad && check_labels(d, n, cause) != 0)
			return -1;
	}
	/* whole batches only: a batch larger than the images leaves no pass,
	 * and every gradient score would be 0/0 */
	if (need_grad && batch > n) {
		if (o->samples <= d->count)
			*cause = xasprintf("--samples %d is smaller than --grad-batch %d", o->samples, batch);
		else
			*cause = xasprintf("%s: %d images to use, fewer than --grad-batch %d", d->source, n, batch);
		return -1;
	}
	int ng = need_grad ? n / batch * batch : 0;	/* whole batches only */
	struct backend_net *net = backend_load(cfg, weights, need_grad ? batch : 1, cause);
	if (net == NULL)
		return -1;
	const struct model *m = backend_model(net);
	criteria_table_init(out, model_weight_layers(m), o->mask);
	static_scores(m, out);
	int rc = 0;
	if (need_grad)
		rc = gradient_scores(net, d, ng, batch, o, out, cause);
	backend_free(net);
	if (rc == 0 && (o->mask & (1u << CRIT_QUICK)))
		rc = quick_scores(cfg, weights, d, n, o, out, cause);
	if (rc != 0) {
		criteria_table_free(out);
		return rc;
	}
	criteria_rank(out);
	return 0;
}
