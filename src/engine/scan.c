/* scan.c - the scan's shared state: the plan in scan order, the result file
 * kept in that order, one row's engine job and its result (see scan.h). */
#include "config.h"
#include "engine/scan.h"
#include "core/atomic.h"
#include "core/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void make_header(const struct scan_opts *so, struct engine *e, const struct dataset *d, struct scan_header *h)
{
	memset(h, 0, sizeof *h);
	h->cfg = xstrdup(so->cfg);
	h->weights = xstrdup(so->weights);
	h->weights_checksum = hash_hex(model_checksum(engine_model(e)));
	h->data = xstrdup(d->source);
	h->data_checksum = hash_hex(d->checksum);
	h->version = xstrdup(PACKAGE_VERSION);
	h->images = d->count;
	h->seed = so->seed;
	h->trials = so->trials;
	h->baseline_top1 = progress_top1(engine_baseline(e));
	h->metric = xstrdup(engine_metric(e));
}

/* A row of the file --resume continues names a layer this model has. */
static int check_resume_rows(const struct scan_file *f, const struct model *m, char **cause)
{
	for (int i = 0; i < f->n; i++) {
		const struct scan_row *r = &f->rows[i];
		if (r->layer < m->n)
			continue;
		if (r->line > 0)
			*cause = xasprintf("%s:%d: layer %d, but the model has %d layers (0 to %d)", f->path, r->line,
			    r->layer, m->n, m->n - 1);
		else
			*cause = xasprintf("%s: row %d: layer %d, but the model has %d layers (0 to %d)", f->path, i + 1,
			    r->layer, m->n, m->n - 1);
		return -1;
	}
	return 0;
}

/* --resume must continue the same experiment, not mix two: the refusal
 * names what differs, the file's value and this run's. */
static int check_resume(const char *path, const struct scan_header *old, const struct scan_header *now, char **cause)
{
	char *what = NULL;
	if (strcmp(old->weights_checksum, now->weights_checksum) != 0)
		what = xasprintf("was made with other weights (%s, checksum %s; this run: %s, checksum %s)",
		    old->weights, old->weights_checksum, now->weights, now->weights_checksum);
	else if (old->images != now->images)
		what = xasprintf("was measured on %ld images, this run asks for %ld (--limit)", old->images, now->images);
	else if (strcmp(old->data_checksum, now->data_checksum) != 0)
		what = xasprintf("was measured on other data (%s, checksum %s; this run: %s, checksum %s)", old->data,
		    old->data_checksum, now->data, now->data_checksum);
	else if (old->seed != now->seed)
		what = xasprintf("was made with --seed %" PRIu64 ", this run asks for --seed %" PRIu64, old->seed, now->seed);
	else if (old->trials != now->trials)
		what = xasprintf("was made with --trials %d, this run asks for --trials %d", old->trials, now->trials);
	if (what) {
		*cause = xasprintf("%s: %s; refusing to resume", path, what);
		free(what);
		return -1;
	}
	return 0;
}

void scan_progress_bar(int done, int total, double t0)
{
	double el = now_seconds() - t0, rate = el > 0 ? done / el : 0;
	double left = rate > 0 ? (total - done) / rate : 0;
	int width = 30, fill = total ? done * width / total : width;
	fprintf(stderr, "\r[%.*s%.*s] %d/%d rows  %.2f rows/s  ETA %d:%02d ", fill,
	    "##############################", width - fill, "------------------------------",
	    done, total, rate, (int)left / 60, (int)left % 60);
	fflush(stderr);
}

/* Level v of grid g already came earlier, in this grid or an earlier one of
 * the same kind (-p prune:0.5 -p prune:0.5,0.5): one cell, measured and
 * saved once, so that --resume finds every cell it holds. */
static int level_repeated(const struct scan_opts *so, int g, int v)
{
	const struct perturb_grid *gr = &so->grids[g];
	struct scan_row a = { .kind = gr->kind, .level = gr->levels[v] };
	for (int h = 0; h <= g; h++) {
		const struct perturb_grid *o = &so->grids[h];
		for (int w = 0; o->kind == gr->kind && w < (h == g ? v : o->nlevels); w++) {
			struct scan_row b = { .kind = o->kind, .level = o->levels[w] };
			if (scan_row_same_key(&a, &b))
				return 1;
		}
	}
	return 0;
}

void scan_state_init(struct scan_state *s, const struct scan_opts *so, struct engine *e,
    const struct dataset *d, const unsigned char *pick)
{
	const struct model *m = engine_model(e);
	memset(s, 0, sizeof *s);
	s->so = so;
	s->e = e;
	s->t0 = now_seconds();
	make_header(so, e, d, &s->h);
	for (int pass = 0; pass < 2; pass++) {	/* count, then fill */
		int n = 0;
		for (int l = 0; l < m->n; l++)
			for (int g = 0; pick[l] && g < so->ngrids; g++) {
				const struct perturb_grid *gr = &so->grids[g];
				int trials = perturb_kind_is_stochastic(gr->kind) ? so->trials : 1;
				for (int v = 0; v < gr->nlevels; v++)
					for (int t = 0; t < trials && !level_repeated(so, g, v); t++, n++)
						if (pass)
							s->plan[n] = (struct scan_row){ .layer = l, .kind = gr->kind,
							    .level = gr->levels[v], .trial = t };
			}
		if (pass == 0) {
			s->nplan = n;
			s->plan = xcalloc(n > 0 ? (size_t)n : 1, sizeof *s->plan);
		}
	}
	s->done = xcalloc(s->nplan > 0 ? (size_t)s->nplan : 1, 1);
}

int scan_state_open(struct scan_state *s, char **cause)
{
	const struct scan_opts *so = s->so;
	if (!so->output)
		return 0;
	/* before any row is measured, not at the first save */
	if (atomic_check_target(so->output, cause) != 0)
		return -1;
	struct stat st;
	int exists = stat(so->output, &st) == 0;
	if (so->resume && exists) {
		if (scan_file_read(so->output, &s->out, cause) != 0)
			return -1;
		if (check_resume(so->output, &s->out.header, &s->h, cause) != 0 ||
		    check_resume_rows(&s->out, engine_model(s->e), cause) != 0) {
			scan_file_free(&s->out);
			return -1;
		}
	} else {
		if (exists && !so->force && !so->resume) {
			*cause = xasprintf("%s: exists (--resume continues it, --force replaces it)", so->output);
			return -1;
		}
		scan_file_init(&s->out, so->output, &s->h);
	}
	s->where = xmalloc((size_t)s->out.n * sizeof *s->where + 1);
	for (int i = 0; i < s->out.n; i++) {
		s->where[i] = -1;
		for (int k = 0; k < s->nplan && s->where[i] < 0; k++)
			if (scan_row_same_key(&s->out.rows[i], &s->plan[k])) {
				s->where[i] = k;
				s->ndone += !s->done[k];
				s->done[k] = 1;
			}
	}
	return 0;
}

int scan_state_save(struct scan_state *s, int index, const struct scan_row *row, char **cause)
{
	/* before the first saved row that comes later in the plan: a resumed
	 * prefix gets appended to, gaps left by MPI ranks get filled */
	int pos = s->out.n;
	while (pos > 0 && s->where[pos - 1] > index)
		pos--;
	s->where = xreallocarray(s->where, (size_t)s->out.n + 1, sizeof *s->where);
	memmove(&s->where[pos + 1], &s->where[pos], (size_t)(s->out.n - pos) * sizeof *s->where);
	s->where[pos] = index;
	s->ndone += !s->done[index];
	s->done[index] = 1;
	return scan_file_insert(&s->out, pos, row, cause);
}

int scan_state_finish(struct scan_state *s, char **cause)
{
	if (!s->so->output)
		return 0;
	scan_file_rank(&s->out);	/* over every row, the resumed ones too */
	if (scan_file_save(&s->out, cause) != 0)
		return -1;
	fprintf(stderr, "safer: %d rows in %s (%.1f s)\n", s->out.n, s->so->output, now_seconds() - s->t0);
	return 0;
}

void scan_state_free(struct scan_state *s)
{
	free(s->plan);
	free(s->done);
	free(s->where);
	scan_file_free(&s->out);
	scan_header_free(&s->h);
	memset(s, 0, sizeof *s);
}

void scan_row_item(const struct scan_state *s, int index, struct job_item *item)
{
	const struct scan_row *k = &s->plan[index];
	*item = (struct job_item){ k->layer, { k->kind, k->level, s->so->rate,
	    perturb_trial_seed(s->so->seed, k->layer, (int)k->kind, k->level, k->trial) } };
}

struct engine_job scan_row_job(const struct scan_state *s, int index, struct job_item *item)
{
	scan_row_item(s, index, item);
	return (struct engine_job){ .nitems = 1, .items = item, .adaptive_eps = s->so->eps };
}

void scan_row_result(const struct scan_state *s, int index, const struct engine_progress *p, struct scan_row *row)
{
	*row = s->plan[index];
	snprintf(row->layer_kind, sizeof row->layer_kind, "%s", engine_model(s->e)->layers[row->layer].kind_name);
	row->top1 = progress_top1(p);
	progress_drop(p, &row->drop, &row->drop_lo, &row->drop_hi);
	if (p->labelled == 0)
		row->drop = row->drop_lo = row->drop_hi = NAN;
	row->agree = progress_agree(p);
	row->kl = progress_kl(p);
	row->images = p->done;
	row->seconds = p->seconds;
}

