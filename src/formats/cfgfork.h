/* cfgfork.h - cfg keys and values that AlexeyAB's Darknet fork honours but
 * this Darknet (pjreddie's 61c9d02e, as Debian ships it) ignores or replaces.
 *
 * A cfg written for that fork parses here, yet computes something else: an
 * unknown activation becomes relu, an unknown key is dropped.  The table is
 * read off both parsers (src/parser.c and src/activations.c of each); a row
 * only fires when the value differs from what that fork does by default,
 * so a cfg that merely spells out the default draws no warning.  cfgcheck
 * turns each match into a warning, never an error. */
#ifndef SAFER_CFGFORK_H
#define SAFER_CFGFORK_H

#include <stddef.h>

enum cfg_fork_when {
	FORK_DIFFERS,	/* the value differs from `value`, that fork's default */
	FORK_IS,	/* the value is exactly `value` (a name Darknet lacks) */
	FORK_LIST,	/* the value lists several comma-separated layers */
	FORK_STRIDE,	/* at least 1 and not the section's stride= */
	FORK_DILATION,	/* not 1, with size= not 1 (that fork then uses 1) */
};

enum cfg_fork_effect {
	FORK_INFERENCE,	/* the network computes something else */
	FORK_TRAINING,	/* only training with this cfg differs */
};

struct cfg_fork {
	const char *section;	/* "net", a canonical layer type, or "*": any
				 * layer that reads activation= */
	const char *key;
	enum cfg_fork_when when;
	char type;		/* how both read it: 'i' atoi, 'f' atof, 's' text */
	const char *value;	/* see enum cfg_fork_when */
	const char *example;	/* a value that fires the row (tests, README) */
	const char *instead;	/* what this Darknet does; NULL: ignores the key */
	enum cfg_fork_effect effect;
};

/* What a row may compare against: the section's stride= and size= as
 * Darknet reads them (1 when absent). */
struct cfg_fork_ctx {
	long long stride, size;
};

extern const struct cfg_fork cfg_forks[];
extern const size_t cfg_nforks;

/* Section kinds only AlexeyAB's Darknet knows ("[sam]", ...), NULL-ended.
 * This Darknet prints "Type not recognized" for them and then crashes
 * running the empty layer it left. */
extern const char *const cfg_fork_sections[];

/* The row that fires for key=val in a section of canonical type `section`
 * ("net", "convolutional", ...), or NULL.  val NULL (a line without '=')
 * never fires: both Darknets then use the default. */
const struct cfg_fork *cfg_fork_find(const char *section, const char *key,
    const char *val, const struct cfg_fork_ctx *ctx);

#endif
