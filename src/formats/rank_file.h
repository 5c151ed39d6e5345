/* rank_file.h - `safer rank` result files: CSV (.csv) or JSON (.json), chosen
 * by extension, written atomically; read back by compare and budget.
 *
 * CSV: '#'-prefixed header lines "# key: value" (version, cfg, weights,
 * weights_checksum, data, data_checksum, samples, batch, probes, ig_steps,
 * hvp_eps, seed, quick) and one "# column NAME: meaning" line per criterion, then the
 * column line "layer,layer_kind,NAME,NAME_rank,..." and one line per weight
 * layer.  Rank 1 = highest score = most important; NaN scores are written
 * as "nan" (JSON: null) and have no rank.
 * JSON: {"header": {...}, "criteria": [NAME, ...], "rows": [{"layer": 0,
 * "layer_kind": "conv", NAME: score, NAME_rank: rank, ...}, ...]}.
 * The machinery is formats/table.h; rank_file.c lists the header fields. */
#ifndef SAFER_RANK_FILE_H
#define SAFER_RANK_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "core/criterion.h"

struct rank_header {
	char *version, *cfg, *weights;	/* owned strings, never NULL after a read */
	char *weights_checksum;		/* hex, as in scan files */
	char *data, *data_checksum;
	char *quick;			/* "prune:0.5" */
	char *loss;			/* what the gradient criteria differentiate */
	long samples;			/* images the data-driven criteria saw */
	int batch, probes, ig_steps;
	double hvp_eps;
	uint64_t seed;
};

struct rank_file {
	struct rank_header header;
	struct criteria_table table;	/* owned */
};

/* Writes CSV or JSON (by the extension of path) atomically; refuses what
 * atomic_open refuses.  0, or with *cause the exit status of core/atomic.h (2: refused, 1: write failed). */
int rank_file_write(const char *path, const struct rank_file *f, char **cause);
/* "FILE[:LINE]: problem" on error. */
int rank_file_read(const char *path, struct rank_file *out, char **cause);
int rank_file_parse(const char *name, const char *text, size_t len, int json, struct rank_file *out,
    char **cause);
void rank_file_free(struct rank_file *f);

/* The file format (CSV or JSON) to a stream, e.g. stdout. */
void rank_file_dump(FILE *out, const struct rank_file *f, int json);
/* Aligned table: layer, kind, then "score (rank)" per criterion; where that
 * is wider than width (0: no limit), the ranks alone, the last criteria left
 * out (and named) if they still do not fit. */
void rank_print_table(FILE *out, const struct rank_file *f, int width);

#endif
