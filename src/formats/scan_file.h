/* scan_file.h - scan result files (CSV or JSON, chosen by extension), written
 * atomically after every row, and read back for --resume and compare.
 *
 * CSV: '#'-prefixed header lines "# key: value" (safer version, model,
 * weights checksum, data set, images, seed, trials, baseline), then a column
 * line and one line per row.  JSON: {"header": {...}, "rows": [{...}, ...]}.
 * The machinery is formats/table.h; scan_file.c lists the fields. */
#ifndef SAFER_SCAN_FILE_H
#define SAFER_SCAN_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/perturb.h"
#include "core/stats.h"

struct scan_header {
	char *cfg;		/* owned strings */
	char *weights;
	char *weights_checksum;	/* hex, of every stored parameter */
	char *data;
	char *data_checksum;	/* hex, of the decoded inputs and labels */
	char *version;
	long images;
	uint64_t seed;
	int trials;
	double baseline_top1;	/* fraction */
	char *metric;		/* what the top1 column holds: "top1" (NULL in older
				 * files), "map50" or "map50_voc" for a detector */
};

struct scan_row {
	int layer;
	char layer_kind[16];
	enum perturb_kind kind;
	double level;
	int trial;		/* 0-based; deterministic kinds have one trial, 0 */
	double top1, drop, drop_lo, drop_hi;	/* top1 fraction; drops in points */
	double agree, kl;
	long images;
	double seconds;
	/* Where the layer ranks among the scan's layers at this kind and level
	 * by drop (1: the largest; trials averaged), its 95% bootstrap interval
	 * and the layers whose order with it is within noise ("3;5", "-": none).
	 * NaN / "-" until scan_file_rank; files before them read as NaN. */
	double rank, rank_lo, rank_hi;
	char tied_with[48];
	int line;		/* where a CSV reader found it (1-based), else 0: for messages */
};

/* The same (layer, kind, level, trial)? */
int scan_row_same_key(const struct scan_row *a, const struct scan_row *b);

struct scan_file {
	char *path;		/* owned */
	int json;
	struct scan_header header;
	int n, cap;
	struct scan_row *rows;	/* owned */
	int ranked;		/* write the rank columns (set by scan_file_rank, or read) */
};

/* Ranks every row's layer among the layers measured at its kind and level
 * (core/stats.h: a paired bootstrap of each row's counts, seeded by the
 * header's seed, STATS_BOOT_DRAWS draws): rank, rank_lo, rank_hi, tied_with. */
void scan_file_rank(struct scan_file *f);
/* The row's paired counts, from its drop and interval (the file keeps no
 * more); a row whose counts cannot be told is taken at its drop, without noise. */
struct stats_paired scan_row_counts(const struct scan_row *r);
/* A negative drop whose 95% interval reaches 0: no measurable effect, not an
 * improvement.  A significant negative drop (hi < 0) is not. */
int scan_row_no_effect(const struct scan_row *r);
/* The drop as text tables show it: "%.2f", or "none" for no measurable effect. */
void scan_drop_text(const struct scan_row *r, char *buf, size_t size);

/* Starts a result file in memory; nothing is written until the first save. */
void scan_file_init(struct scan_file *f, const char *path, const struct scan_header *h);
/* Places the row before rows[pos] (0 <= pos <= n) and rewrites the whole file
 * atomically (temporary file in the same directory, fsync, rename); 0, or
 * with *cause the exit status of core/atomic.h (1: the write failed).  Scans keep their rows in scan order even when rows
 * finish out of order (MPI).  A ranked file loses its ranks (they would be
 * stale) until scan_file_rank. */
int scan_file_insert(struct scan_file *f, int pos, const struct scan_row *row, char **cause);
int scan_file_save(const struct scan_file *f, char **cause);	/* the same */
/* Appends the row in memory only (scan --json without a file). */
void scan_file_add(struct scan_file *f, const struct scan_row *row);
/* The bytes scan_file_save writes (CSV or JSON by f->json), to a stream. */
void scan_file_dump(FILE *out, const struct scan_file *f);
/* Reads a CSV or JSON scan file. "FILE[:LINE]: problem" on error. */
int scan_file_read(const char *path, struct scan_file *out, char **cause);
/* Parses from memory (for fuzzing); json chosen by the caller. */
int scan_file_parse(const char *name, const char *text, size_t len, int json, struct scan_file *out, char **cause);
void scan_file_free(struct scan_file *f);
void scan_header_free(struct scan_header *h);
void scan_header_copy(struct scan_header *dst, const struct scan_header *src);

/* Prints rows as an aligned table (stdout when no file is given) that fits
 * width (0: every column; formats/table.h): the column line with header. */
void scan_print_row(FILE *out, const struct scan_row *r, int header, int width);
/* After the table: the columns width left out, if any (formats/table.h),
 * and what "none" means when a row showed it. */
void scan_print_left_out(FILE *out, int width);
/* The ranking of a ranked file: per kind and level the layers by rank, with
 * the rank interval, "≈" and the layers tied with each; fits width. */
void scan_print_ranking(FILE *out, const struct scan_file *f, int width);
/* The line after a row's trials: its key columns and as much of "top1% mean
 * M sd S min A max B over N trials" as fits width. */
void scan_print_trials(FILE *out, const struct scan_row *first, int n, double mean, double sd, double lo, double hi,
    int width);

#endif
