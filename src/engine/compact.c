/* compact.c - see compact.h */
#include "engine/compact.h"
#include "backend/backend.h"
#include "core/atomic.h"
#include "core/exit_status.h"
#include "core/util.h"
#include "engine/export.h"
#include "formats/cfgcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The surviving channels of one layer's output: keep[0..n) are indexes into
 * the full layer's channels (a connected layer's outputs); keep NULL: all. */
struct chanmap {
	int n;
	int *keep;
};

/* Activations with f(0) = 0: a removed channel is 0 before and after. */
static int keeps_zero(const char *act)
{
	static const char *const ok[] = { "linear", "leaky", "relu", "relie", "ramp", "elu", "selu", "tanh",
		"loggy", "hardtan", "lhtan" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		if (strcmp(act, ok[i]) == 0)
			return 1;
	return 0;
}

/* Filter f gives exactly 0 everywhere: no weight, no bias, no scale. */
static int filter_dead(const struct weight_tensor *t, int f)
{
	if (t->biases[f] != 0 || (t->scales != NULL && t->scales[f] != 0))
		return 0;
	for (size_t j = 0; j < t->per_filter; j++)
		if (t->weights[(size_t)f * t->per_filter + j] != 0)
			return 0;
	return 1;
}

static int refuse(char **cause, const char *cfg, const char *fmt, int a, const char *kind, int b)
{
	char *what = xasprintf(fmt, a, kind, b);
	*cause = xasprintf("%s: --compact: %s", cfg, what);
	free(what);
	return EXIT_BAD_INPUT;
}

/* Which channels survive in every layer's output; fills width[] with the
 * new widths of the narrowed layers.  0 or EXIT_BAD_INPUT. */
static int plan(const struct model *m, const unsigned char *pruned, const char *cfg, struct chanmap *maps, int *width,
    struct compact_result *res, char **cause)
{
	for (int i = 0; i < m->n; i++) {
		const struct layer_desc *L = &m->layers[i];
		int in_cut = i > 0 && maps[i - 1].keep != NULL;
		maps[i].n = L->has_weights ? L->wt.filters : L->out.c;
		switch (L->kind) {
		case LAYER_CONV:
		case LAYER_CONNECTED: {
			if (in_cut && L->groups != 1)
				return refuse(cause, cfg, "layer %d: a grouped [%s] reads layer %d's narrowed output", i,
				    L->kind_name, i - 1);
			if (!pruned[i])
				break;
			int kept = 0, f0 = L->wt.filters;
			int *keep = xmalloc((size_t)f0 * sizeof *keep);
			for (int f = 0; f < f0; f++)
				if (!filter_dead(&L->wt, f))
					keep[kept++] = f;
			if (kept == f0) {
				free(keep);
				break;
			}
			if (!keeps_zero(L->activation) || kept == 0 || i == m->n - 1) {
				free(keep);
				if (kept == 0)
					return refuse(cause, cfg, "layer %d: the budget removes every filter of this [%s]%.0d", i,
					    L->kind_name, 0);
				if (i == m->n - 1)
					return refuse(cause, cfg, "layer %d: [%s] is the network's output%.0d", i,
					    L->kind_name, 0);
				return refuse(cause, cfg, "layer %d: activation %s does not keep a removed filter at 0%.0d",
				    i, L->activation, 0);
			}
			maps[i].keep = keep;
			maps[i].n = kept;
			width[i] = kept;
			res->layers_narrowed++;
			res->removed += f0 - kept;
			break;
		}
		case LAYER_MAXPOOL:
		case LAYER_AVGPOOL:
		case LAYER_UPSAMPLE:
		case LAYER_DROPOUT:
			if (in_cut) {
				maps[i].n = maps[i - 1].n;
				maps[i].keep = xmalloc((size_t)maps[i].n * sizeof(int));
				memcpy(maps[i].keep, maps[i - 1].keep, (size_t)maps[i].n * sizeof(int));
			}
			break;
		case LAYER_ROUTE: {
			int any = 0, total = 0;
			for (int k = 0; k < L->ninputs; k++) {
				any |= maps[L->inputs[k]].keep != NULL;
				total += maps[L->inputs[k]].n;
			}
			if (!any)
				break;
			maps[i].keep = xmalloc((size_t)total * sizeof(int));
			maps[i].n = total;
			for (int k = 0, at = 0, base = 0; k < L->ninputs; k++) {
				const struct chanmap *src = &maps[L->inputs[k]];
				for (int j = 0; j < src->n; j++)
					maps[i].keep[at++] = base + (src->keep ? src->keep[j] : j);
				base += m->layers[L->inputs[k]].out.c;
			}
			break;
		}
		case LAYER_SHORTCUT:
			if (in_cut || maps[L->from].keep != NULL)
				return refuse(cause, cfg,
				    "layer %d: [%s] adds layer %d to a narrowed output (a removed channel would still be summed)",
				    i, L->kind_name, in_cut ? i - 1 : L->from);
			break;
		default:
			if (in_cut)
				return refuse(cause, cfg, "layer %d: [%s] reads layer %d's narrowed output", i, L->kind_name,
				    i - 1);
		}
	}
	return 0;
}

/* Copies every stored parameter of the full model into the compact one,
 * keeping the surviving filters and input channels. */
static int copy_params(const struct model *full, const struct model *cm, const struct chanmap *maps, char **cause)
{
	for (int i = 0; i < full->n; i++) {
		const struct layer_desc *L = &full->layers[i], *CL = &cm->layers[i];
		if (!L->has_weights)
			continue;
		const struct weight_tensor *F = &L->wt, *C = &CL->wt;
		const int *outs = maps[i].keep, *ins = i > 0 ? maps[i - 1].keep : NULL;
		/* one input channel's span in a filter row: size² for a
		 * convolution, the input plane for a connected layer */
		size_t span = 1;
		if (L->kind == LAYER_CONV)
			span = (size_t)L->size * L->size;
		else if (i > 0)
			span = (size_t)full->layers[i - 1].out.w * full->layers[i - 1].out.h;
		size_t cin_full = F->per_filter / span, cin = C->per_filter / span;
		if (C->filters != maps[i].n || cin != (ins ? (size_t)maps[i - 1].n : cin_full)) {
			*cause = xasprintf("layer %d: the compact network's shape is not the planned one", i);
			return EXIT_FAILURE_RUNTIME;
		}
		for (int f2 = 0; f2 < C->filters; f2++) {
			int f = outs ? outs[f2] : f2;
			C->biases[f2] = F->biases[f];
			if (C->scales != NULL) {
				C->scales[f2] = F->scales[f];
				C->rolling_mean[f2] = F->rolling_mean[f];
				C->rolling_variance[f2] = F->rolling_variance[f];
			}
			for (size_t c2 = 0; c2 < cin; c2++) {
				size_t c = ins ? (size_t)ins[c2] : c2;
				memcpy(C->weights + ((size_t)f2 * cin + c2) * span, F->weights + ((size_t)f * cin_full + c) * span,
				    span * sizeof(float));
			}
		}
	}
	return 0;
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

int export_compact(const char *cfg, const char *weights, const struct budget *b, const char *budget_name,
    const char *out_cfg, const char *out_weights, struct compact_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	struct backend_net *net = backend_load(cfg, weights, 1, cause), *small = NULL;
	if (net == NULL)
		return EXIT_BAD_INPUT;
	const struct model *m = backend_model(net);
	struct chanmap *maps = xcalloc((size_t)m->n, sizeof *maps);
	int *width = xcalloc((size_t)m->n, sizeof *width);
	unsigned char *pruned = xcalloc((size_t)m->n, 1);
	char *text = NULL, *small_text = NULL;
	struct atomic_file ac = { 0 }, aw = { 0 };
	int cfg_open = 0, rc;
	struct export_result er = { 0 };
	if ((rc = export_apply(net, weights ? weights : cfg, b, &er, cause)) != 0)
		goto out;
	struct job_item *items = NULL;
	int ni = budget_items(b, &items);
	for (int k = 0; k < ni; k++)
		if (items[k].p.kind == PERTURB_PRUNE_FILTER && items[k].layer < m->n)
			pruned[items[k].layer] = 1;
	free(items);
	if ((rc = plan(m, pruned, cfg, maps, width, res, cause)) != 0)
		goto out;
	if (res->layers_narrowed == 0) {
		*cause = xasprintf("%s: --compact: the budget removes no filter (it needs prune-filter settings)",
		    budget_name);
		rc = EXIT_BAD_INPUT;
		goto out;
	}
	size_t len;
	if ((text = file_read_all(cfg, 16u << 20, &len, cause)) == NULL) {
		rc = EXIT_BAD_INPUT;
		goto out;
	}
	if ((small_text = cfgcheck_with_widths(text, len, width, m->n)) == NULL) {
		*cause = xasprintf("%s: --compact: a narrowed layer's section is not where the parse put it", cfg);
		rc = EXIT_BAD_INPUT;
		goto out;
	}
	if ((rc = atomic_open(&ac, out_cfg, cause)) != 0)
		goto out;
	cfg_open = 1;
	if (fputs(small_text, ac.f) == EOF || fflush(ac.f) != 0) {
		*cause = xasprintf("%s: cannot write", out_cfg);
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	/* the compact network as Darknet parses the new cfg (from the
	 * temporary file: nothing is in place until both files are) */
	if ((small = backend_load(ac.tmp, NULL, 1, cause)) == NULL) {
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if ((rc = copy_params(m, backend_model(small), maps, cause)) != 0)
		goto out;
	if ((rc = atomic_open(&aw, out_weights, cause)) != 0)
		goto out;
	if (backend_write_weights(small, aw.f, cause) != 0) {
		char *m2 = xasprintf("%s: %s", out_weights, *cause);
		free(*cause);
		*cause = m2;
		atomic_abort(&aw);
		rc = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if ((rc = atomic_commit(&aw, cause)) != 0)
		goto out;
	cfg_open = 0;
	if ((rc = atomic_commit(&ac, cause)) != 0)
		goto out;
	const struct model *sm = backend_model(small);
	res->params_before = m->total_params;
	res->params_after = sm->total_params;
	res->macs_before = m->total_macs;
	res->macs_after = sm->total_macs;
	res->cfg_bytes = file_size(out_cfg);
	res->weights_bytes = file_size(out_weights);
out:
	if (cfg_open)
		atomic_abort(&ac);
	for (int i = 0; i < m->n; i++)
		free(maps[i].keep);
	free(maps);
	free(width);
	free(pruned);
	free(text);
	free(small_text);
	backend_free(small);
	backend_free(net);
	return rc;
}
