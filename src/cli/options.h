/* options.h - the model and data options every subcommand shares, and the
 * loading they lead to. */
#ifndef SAFER_OPTIONS_H
#define SAFER_OPTIONS_H

#include <getopt.h>

#include "engine/setup.h"

/* Long options of the common set, to append to a subcommand's table. */
#define COMMON_LONGOPTS \
	{ "cfg", required_argument, NULL, 'c' }, \
	{ "weights", required_argument, NULL, 'w' }, \
	{ "data", required_argument, NULL, 'd' }, \
	{ "idx", required_argument, NULL, 0x100 }, \
	{ "names", required_argument, NULL, 0x101 }, \
	{ "limit", required_argument, NULL, 'n' }, \
	{ "threads", required_argument, NULL, 't' }, \
	{ "batch", required_argument, NULL, 0x102 }, \
	{ "cache-mb", required_argument, NULL, 0x103 }, \
	{ "unlabeled", no_argument, NULL, 0x104 }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "json", no_argument, NULL, 'j' }
#define COMMON_SHORTOPTS "c:w:d:n:t:vj"

#define COMMON_HELP \
"Model and data:\n" \
"  -c, --cfg FILE        Darknet network cfg (default: the bundled plain CNN)\n" \
"  -w, --weights FILE    Darknet weights (default: the bundled weights of the default cfg)\n" \
"  -d, --data FILE       Darknet .data file (valid=, labels=/names=, classes=, top=)\n" \
"      --idx IMAGES LABELS  MNIST-format IDX files, raw or .gz\n" \
"      --names FILE      class names for --idx, one per line\n" \
"      --unlabeled       data without labels: label-free measures only\n" \
"  -n, --limit N         use the first N images\n" \
"  -t, --threads N       worker threads (default: one per CPU)\n" \
"      --batch N         images per forward pass (default 32)\n" \
"      --cache-mb N      activation cache bound in MiB (default 1024)\n" \
"  -v, --verbose         show Darknet's own messages\n" \
"  -j, --json            machine-readable output\n"

/* Handles one getopt_long result of the common set.  Returns 1 if it was one
 * of ours, 0 if not, -1 on a bad value (message printed). */
int options_handle_common(struct setup_opts *o, int c, const char *arg, int argc, char **argv);
/* Parses a positive integer option value; prints "safer: --NAME: ..." and returns -1 when bad. */
int parse_count(const char *name, const char *arg, long lo, long hi, long *out);
int parse_real(const char *name, const char *arg, double lo, double hi, double *out);

#endif
