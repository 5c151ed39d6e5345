/* options.h - option tables, and the model and data options every
 * subcommand but compare shares (the loading they lead to is engine/setup). */
#ifndef SAFER_OPTIONS_H
#define SAFER_OPTIONS_H

#include <limits.h>

#include "engine/setup.h"

enum options_arg { OPTIONS_FLAG, OPTIONS_VALUE };

/* One option of a table; a table ends with { NULL }. */
struct options_spec {
	const char *name;	/* the long option, without the dashes */
	int code;		/* a letter, which is then also the short option, or a long-only code */
	enum options_arg arg;
};

/* Long-only codes lie past every letter.  The common set takes the first;
 * each command's own enum starts at OPTIONS_OWN, so no two codes in one
 * table meet. */
enum options_code {
	OPTIONS_IDX = UCHAR_MAX + 1,
	OPTIONS_NAMES,
	OPTIONS_BATCH,
	OPTIONS_CACHE_MB,
	OPTIONS_DATA_MB,
	OPTIONS_UNLABELED,
	OPTIONS_THRESH,
	OPTIONS_NMS,
	OPTIONS_SHOW_THRESH,
	OPTIONS_VOC,
	OPTIONS_WIDE,
	OPTIONS_OWN
};

/* The common set, in the order the commands list it before their own. */
extern const struct options_spec options_common[];

/* The explorer's (no --quiet, --json, --wide: it prints nothing of the kind). */
#define COMMON_HELP_NO_JSON \
"Model and data:\n" \
"  -c, --cfg FILE        Darknet network cfg (default: the bundled plain CNN)\n" \
"  -w, --weights FILE    Darknet weights (default: the bundled weights of the default cfg)\n" \
"  -d, --data FILE       Darknet .data file (valid=, labels=/names=, classes=, top=)\n" \
"      --idx IMAGES LABELS  MNIST-format IDX files, raw or .gz\n" \
"      --names FILE      class names for --idx, one per line\n" \
"      --unlabeled       data without labels: label-free measures only\n" \
"  -n, --limit N         use the first N images\n" \
"  -t, --threads N       worker threads (default: one per CPU)\n" \
"      --batch N         images per forward pass (default 32, fewer for large networks)\n" \
"      --cache-mb N      activation cache bound in MiB (default 1024)\n" \
"      --data-mb N       decoded images kept in memory, MiB (default: a quarter of\n" \
"                        free memory, at most 2048); the rest are decoded each pass\n" \
"Detectors ([yolo] or [region] heads; --data names the images, labels as Darknet finds them):\n" \
"      --thresh X        evaluation threshold (default .005, as darknet detector valid)\n" \
"      --nms X           NMS IoU threshold (default .45; 0: none)\n" \
"      --show-thresh X   boxes that count in the agreement (default .25)\n" \
"      --voc             VOC all-point AP instead of COCO's 101 points\n" \
"  -v, --verbose         show Darknet's own messages and the cfg keys it ignores\n"
/* Every other command's: what they print on stdout and stderr. */
#define COMMON_HELP COMMON_HELP_NO_JSON \
"  -q, --quiet           no progress on stderr (default: in place on a terminal,\n" \
"                        else a plain line every 10% or 5 s)\n" \
"  -j, --json            machine-readable output on stdout (JSON)\n" \
"      --wide            tables with every column (default: fit the terminal,\n" \
"                        80 columns when stdout is not one)\n"

/* Handles one getopt_long result of the common set; --idx takes its second
 * file from argv[optind].  Returns 1 if it was one of ours, 0 if not, -1 on
 * a bad value (message printed). */
int options_handle_common(struct setup_opts *o, int code, const char *arg, int argc, char **argv);
/* Parses a positive integer option value; prints "safer: --NAME: ..." and returns -1 when bad. */
int parse_count(const char *name, const char *arg, long lo, long hi, long *out);
int parse_real(const char *name, const char *arg, double lo, double hi, double *out);

#endif
