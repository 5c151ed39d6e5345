/* layer_time.c - see layer_time.h */
#include "engine/layer_time.h"
#include "backend/backend.h"
#include "core/model.h"
#include "core/rng.h"
#include "core/util.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

struct clock_ctx {
	double *acc;	/* seconds per layer, summed over passes */
	double last;
};

/* Called after each layer: the time since the previous one is this layer's. */
static void tick(int layer, float *out, size_t n, void *vctx)
{
	(void)out;
	(void)n;
	struct clock_ctx *c = vctx;
	double t = now_seconds();
	c->acc[layer] += t - c->last;
	c->last = t;
}

/* Passes of net over x until min_seconds have gone (at least 3, after one
 * untimed): each layer's fastest pass, in ms per image, into ms[] (the
 * fastest, not the mean: another process taking the core for a moment
 * slows some passes, never speeds one up); the passes into *passes. */
static void time_net(struct backend_net *net, const float *x, int images, double min_seconds, double *ms, int n,
    int *passes)
{
	double *acc = xcalloc((size_t)n, sizeof *acc);
	struct clock_ctx c = { acc, 0 };
	c.last = now_seconds();
	backend_forward_from(net, 0, x, tick, &c);	/* warm-up: caches, page faults */
	for (int i = 0; i < n; i++)
		ms[i] = -1;
	double t0 = now_seconds();
	int p = 0;
	while (p < 3 || now_seconds() - t0 < min_seconds) {
		memset(acc, 0, (size_t)n * sizeof *acc);
		c.last = now_seconds();
		backend_forward_from(net, 0, x, tick, &c);
		for (int i = 0; i < n; i++) {
			double v = 1e3 * acc[i] / images;
			if (ms[i] < 0 || v < ms[i])
				ms[i] = v;
		}
		p++;
	}
	*passes = p;
	free(acc);
}

/* Darknet's random initialisation leaves rolling variances at 0: the
 * normalisation divides by 1e-6 and the activations overflow. */
static void sane_variances(const struct model *m)
{
	for (int i = 0; i < m->n; i++) {
		const struct weight_tensor *t = &m->layers[i].wt;
		if (t->rolling_variance == NULL)
			continue;
		int zero = 1;
		for (int f = 0; f < t->filters && zero; f++)
			zero = t->rolling_variance[f] == 0;
		for (int f = 0; f < t->filters && zero; f++)
			t->rolling_variance[f] = 1;
	}
}

static float *random_input(const struct backend_net *net, int images)
{
	size_t n = backend_layer_size(net, -1) * (size_t)images;
	float *x = xmalloc(n * sizeof *x);
	struct rng r;
	rng_seed(&r, 1);
	for (size_t i = 0; i < n; i++)
		x[i] = (float)rng_uniform(&r);
	return x;
}

int layer_times_measure(const char *cfg, const char *weights, int batch, double min_seconds, struct layer_times *out,
    char **cause)
{
	memset(out, 0, sizeof *out);
	openblas_set_num_threads(1);	/* one core's time, as each engine worker has */
	struct backend_net *stock = backend_load(cfg, weights, 1, cause);
	if (stock == NULL)
		return -1;
	struct backend_net *fast = backend_load(cfg, weights, batch, cause);
	if (fast == NULL) {
		backend_free(stock);
		return -1;
	}
	if (weights == NULL) {
		sane_variances(backend_model(stock));
		sane_variances(backend_model(fast));
	}
	backend_use_blas(fast);
	int n = backend_model(stock)->n;
	out->n = n;
	out->batch = batch;
	out->engine_ms = xcalloc((size_t)n, sizeof *out->engine_ms);
	out->stock_ms = xcalloc((size_t)n, sizeof *out->stock_ms);
	float *xs = random_input(stock, 1), *xf = random_input(fast, batch);
	time_net(fast, xf, batch, min_seconds, out->engine_ms, n, &out->engine_passes);
	time_net(stock, xs, 1, min_seconds, out->stock_ms, n, &out->stock_passes);
	for (int i = 0; i < n; i++) {
		out->engine_total += out->engine_ms[i];
		out->stock_total += out->stock_ms[i];
	}
	free(xs);
	free(xf);
	backend_free(fast);
	backend_free(stock);
	return 0;
}

void layer_times_free(struct layer_times *t)
{
	free(t->engine_ms);
	free(t->stock_ms);
	memset(t, 0, sizeof *t);
}
