/* scan.h - the parts of `safer scan` shared by the single-process loop
 * (cmd_scan.c) and the MPI ranks (scan_mpi.c): the plan (every row of the
 * scan, in scan order), one row's job and result, and the result file kept in
 * scan order whatever order rows finish in.
 *
 * Ownership: a struct scan_state owns its plan, done flags, header and result
 * file; it borrows the options and the engine, which must outlive it. */
#ifndef SAFER_SCAN_H
#define SAFER_SCAN_H

#include <stdint.h>

#include "formats/dataset.h"
#include "engine/engine.h"
#include "formats/scan_file.h"

struct scan_opts {
	const char *cfg, *weights;	/* paths recorded in the result header */
	struct perturb_grid *grids;
	int ngrids;
	const char *layers, *output;
	int resume, force, trials;
	int json;		/* no output file: the rows as JSON on stdout, at the end */
	int quiet;		/* no progress on stderr */
	int width;		/* the table on stdout fits it (0: every column) */
	uint64_t seed;
	double rate, eps;
};

struct scan_state {
	const struct scan_opts *so;
	struct engine *e;
	struct scan_header h;
	struct scan_row *plan;	/* only the key (layer, kind, level, trial) is set */
	int nplan;
	unsigned char *done;	/* per plan row: already in the result file */
	int ndone;
	struct scan_file out;	/* with -o; written by one process only */
	int *where;		/* per row of out: its plan index (-1: not in this plan) */
	double t0;
};

/* The header and the plan: the same on every process given the same options. */
void scan_state_init(struct scan_state *s, const struct scan_opts *so, struct engine *e,
    const struct dataset *d, const unsigned char *pick);
/* The writer only: a new result file, or the rows an earlier run saved
 * (--resume).  -1 with *cause (bad input) when it may not be written. */
int scan_state_open(struct scan_state *s, char **cause);
/* Saves a finished plan row at its place in scan order (atomic rewrite).
 * This and scan_state_finish: 0, or with *cause the exit status of
 * core/atomic.h (1 when the write failed). */
int scan_state_save(struct scan_state *s, int index, const struct scan_row *row, char **cause);
/* The final save (a resumed complete file is rewritten with its header). */
int scan_state_finish(struct scan_state *s, char **cause);
void scan_state_free(struct scan_state *s);

/* One row's job item: its seed depends on the row only, never on who runs it. */
void scan_row_item(const struct scan_state *s, int index, struct job_item *item);
/* The engine job that measures one row (its item in *item, which the job
 * points at): the same whichever process runs it. */
struct engine_job scan_row_job(const struct scan_state *s, int index, struct job_item *item);
/* A finished job's result as the row it measured. */
void scan_row_result(const struct scan_state *s, int index, const struct engine_progress *p, struct scan_row *row);
/* "[####---] done/total rows  rate  ETA" on stderr. */
void scan_progress_bar(int done, int total, double t0);

#endif
