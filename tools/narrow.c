/* narrow.c - carries trained weights into a narrower copy of a cfg: the
 * bundled detector's third training stage starts from them (make weights).
 *
 *   safer-narrow WIDE.cfg WIDE.weights NARROW.cfg OUT.weights
 *
 * NARROW.cfg is WIDE.cfg with fewer filters in some [convolutional] layers
 * and nothing else changed.  A narrowed layer keeps the filters with the
 * largest L1 norm (prune-filter's order, src/core/perturb.c), in their
 * original order, with their biases and batch-norm statistics; the layers
 * reading its output through the chain, [route], [upsample] or [maxpool]
 * lose the matching input channels.  A [shortcut], a grouped convolution or
 * a weighted layer of another kind fed by a narrowed layer is refused.  The
 * `seen` count is kept, so training resumes where the wide run stopped.
 * OUT is written under a temporary name and renamed. */
#include <darknet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* Which wide channel each narrow channel of a layer's output is; NULL when
 * the output is not narrowed (channel i is channel i). */
typedef int *chan_map;

static int fail(const char *what)
{
	fprintf(stderr, "safer-narrow: %s\n", what);
	return 2;
}

static float filter_l1(const layer *l, int f)
{
	size_t per = (size_t)l->nweights / l->n;
	float s = 0;
	for (size_t i = 0; i < per; i++)
		s += fabsf(l->weights[(size_t)f * per + i]);
	return s;
}

/* The `keep` filters of wide layer l with the largest L1 norms, ascending
 * indexes (ties: the lower index stays, as in a stable sort). */
static int *largest_filters(const layer *l, int keep)
{
	int *out = xmalloc((size_t)keep * sizeof *out);
	unsigned char *taken = xcalloc((size_t)l->n, 1);
	for (int k = 0; k < keep; k++) {
		int best = -1;
		for (int f = 0; f < l->n; f++)
			if (!taken[f] && (best < 0 || filter_l1(l, f) > filter_l1(l, best)))
				best = f;
		taken[best] = 1;
	}
	for (int f = 0, k = 0; f < l->n; f++)
		if (taken[f])
			out[k++] = f;
	free(taken);
	return out;
}

static int *route_map(const network *wide, const network *narrow, int i, chan_map *maps)
{
	const layer *w = &wide->layers[i];
	int any = 0;
	for (int k = 0; k < w->n; k++)
		any |= maps[w->input_layers[k]] != NULL;
	if (!any)
		return NULL;
	int *m = xmalloc((size_t)narrow->layers[i].out_c * sizeof *m), at = 0, base = 0;
	for (int k = 0; k < w->n; k++) {
		int src = w->input_layers[k], c = narrow->layers[src].out_c;
		for (int j = 0; j < c; j++)
			m[at++] = base + (maps[src] ? maps[src][j] : j);
		base += wide->layers[src].out_c;
	}
	return m;
}

static void copy_conv(const layer *w, layer *n, const int *outs, const int *ins)
{
	size_t ksz = (size_t)w->size * w->size;
	for (int f = 0; f < n->n; f++) {
		int wf = outs ? outs[f] : f;
		n->biases[f] = w->biases[wf];
		if (w->batch_normalize) {
			n->scales[f] = w->scales[wf];
			n->rolling_mean[f] = w->rolling_mean[wf];
			n->rolling_variance[f] = w->rolling_variance[wf];
		}
		for (int c = 0; c < n->c / n->groups; c++) {
			int wc = ins ? ins[c] : c;
			memcpy(n->weights + ((size_t)f * (n->c / n->groups) + c) * ksz,
			    w->weights + ((size_t)wf * (w->c / w->groups) + wc) * ksz, ksz * sizeof(float));
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: safer-narrow WIDE.cfg WIDE.weights NARROW.cfg OUT.weights\n");
		return 2;
	}
	network *wide = parse_network_cfg(argv[1]), *narrow = parse_network_cfg(argv[3]);
	load_weights(wide, argv[2]);
	if (wide->n != narrow->n)
		return fail("the two cfgs have different numbers of layers");
	chan_map *maps = xcalloc((size_t)wide->n, sizeof *maps);
	int status = 0;
	for (int i = 0; i < wide->n && status == 0; i++) {
		layer *w = &wide->layers[i], *n = &narrow->layers[i];
		const int *in = i > 0 ? maps[i - 1] : NULL;
		if (w->type != n->type) {
			status = fail("the two cfgs differ in a layer's kind");
			break;
		}
		switch (w->type) {
		case CONVOLUTIONAL:
			if (n->size != w->size || n->groups != w->groups || n->c > w->c || n->n > w->n ||
			    (in && w->groups != 1)) {
				status = fail("a [convolutional] layer differs in more than its filters");
				break;
			}
			if (n->n < w->n)
				maps[i] = largest_filters(w, n->n);
			copy_conv(w, n, maps[i], in);
			printf("layer %d: %d of %d filters kept, %d of %d input channels\n", i, n->n, w->n, n->c,
			    w->c);
			break;
		case ROUTE:
			maps[i] = route_map(wide, narrow, i, maps);
			break;
		case MAXPOOL:
		case UPSAMPLE:
			if (in) {
				maps[i] = xmalloc((size_t)n->out_c * sizeof(int));
				memcpy(maps[i], in, (size_t)n->out_c * sizeof(int));
			}
			break;
		case YOLO:
		case REGION:
		case SOFTMAX:
		case COST:
			if (in)
				status = fail("a narrowed layer feeds an output layer");
			break;
		default:
			status = fail("a layer kind this tool does not carry (only conv, route, maxpool, upsample, yolo)");
		}
	}
	if (status == 0) {
		*narrow->seen = *wide->seen;
		char *tmp = xasprintf("%s.tmp", argv[4]);
		save_weights(narrow, tmp);
		if (rename(tmp, argv[4]) != 0)
			status = fail("cannot rename the output into place");
		free(tmp);
	}
	for (int i = 0; i < wide->n; i++)
		free(maps[i]);
	free(maps);
	free_network(wide);
	free_network(narrow);
	return status;
}
