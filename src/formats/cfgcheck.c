/* cfgcheck.c - see cfgcheck.h.
 *
 * "Darknet" below means pjreddie's darknet as Debian ships it (git 61c9d02e,
 * 2018-09-14): src/parser.c (read_cfg, parse_network_cfg, parse_*),
 * src/option_list.c (read_option, option_find*), src/utils.c (strip, fgetl)
 * and src/activations.c (get_activation).  Values are read exactly as Darknet
 * reads them (atoi/atof: the numeric prefix, 0 for none) and the limits are
 * applied to what Darknet would use; every refusal mirrors one of Darknet's
 * own exits or closes a hole in it (a crash, a hang, an absurd allocation).
 * Sizes are computed in 64-bit and saturate, so nothing here overflows. */
#include "formats/cfgcheck.h"
#include "formats/cfgfork.h"
#include "core/util.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIM		(1LL << 20)			/* any single size or count */
#define MAX_ELEMS	((long long)INT_MAX / 4)	/* Darknet keeps counts in int */
#define MAX_EST_BYTES	(8.0 * 1024 * 1024 * 1024)
#define MAX_LAYERS	65536	/* Darknet callocs a ~1 KiB struct per layer */
#define SHOW		48	/* bytes of cfg text quoted in a message */
#define SUPPORTED	"convolutional, connected, maxpool, avgpool, dropout, " \
			"softmax, shortcut, route, batchnorm, cost, crop, " \
			"yolo, region, upsample, reorg"

enum kind { K_CONV, K_CONN, K_MAX, K_AVG, K_DROP, K_SOFT, K_SHORT, K_ROUTE,
	K_BN, K_COST, K_CROP, K_YOLO, K_REGION, K_UP, K_REORG };

static const struct {
	const char *section;
	const char *canon;
	enum kind kind;
} kinds[] = {
	{ "[convolutional]", "convolutional", K_CONV },
	{ "[conv]", "convolutional", K_CONV },
	{ "[connected]", "connected", K_CONN },
	{ "[conn]", "connected", K_CONN },
	{ "[maxpool]", "maxpool", K_MAX },
	{ "[max]", "maxpool", K_MAX },
	{ "[avgpool]", "avgpool", K_AVG },
	{ "[avg]", "avgpool", K_AVG },
	{ "[dropout]", "dropout", K_DROP },
	{ "[softmax]", "softmax", K_SOFT },
	{ "[soft]", "softmax", K_SOFT },
	{ "[shortcut]", "shortcut", K_SHORT },
	{ "[route]", "route", K_ROUTE },
	{ "[batchnorm]", "batchnorm", K_BN },
	{ "[cost]", "cost", K_COST },
	{ "[crop]", "crop", K_CROP },
	{ "[yolo]", "yolo", K_YOLO },
	{ "[region]", "region", K_REGION },
	{ "[upsample]", "upsample", K_UP },
	{ "[reorg]", "reorg", K_REORG },
};

/* The rest of Darknet's string_to_layer_type: known, but not handled here. */
static const char *const unsupported[] = {
	"[detection]", "[iseg]", "[local]",
	"[deconv]", "[deconvolutional]", "[activation]", "[logistic]",
	"[l2norm]", "[crnn]", "[gru]", "[lstm]", "[rnn]", "[lrn]",
	"[normalization]", NULL
};

/* get_activation: anything else silently becomes relu in Darknet. */
static const char *const activations[] = {
	"logistic", "loggy", "relu", "elu", "selu", "relie", "plse", "hardtan",
	"lhtan", "linear", "ramp", "leaky", "tanh", "stair", NULL
};

/* get_policy: anything else becomes constant (training only). */
static const char *const policies[] = {
	"random", "poly", "constant", "step", "exp", "sigmoid", "steps", NULL
};

/* get_cost_type: anything else becomes sse (training only). */
static const char *const cost_types[] = {
	"seg", "sse", "masked", "smooth", "L1", "wgan", NULL
};

/* Keys parse_net_options always reads that need no rule of their own. */
static const char *const net_ints[] = {
	"notruth", "random", "max_crop", "min_crop", "center", "burn_in",
	"max_batches", NULL
};
static const char *const net_floats[] = {
	"learning_rate", "momentum", "decay", "max_ratio", "min_ratio", "clip",
	"angle", "aspect", "saturation", "exposure", "hue", "power", NULL
};
/* parse_network_cfg reads these after every layer. */
static const char *const layer_ints[] = {
	"truth", "onlyforward", "stopbackward", NULL
};
static const char *const layer_floats[] = { "learning_rate", "smooth", NULL };
/* These change which floats a .weights file holds for the layer. */
static const char *const layout_keys[] = {
	"dontsave", "dontload", "numload", "dontloadscales", NULL
};
static const char *const none[] = { NULL };

struct opt {
	const char *key;
	const char *val;	/* NULL: the line had no '=' (read_option) */
	int line;
	int used;		/* option_find looked it up (first occurrence) */
	int forked;		/* a cfg_forks row fired for it */
};

struct sec {
	const char *type;	/* stripped header line, brackets included */
	const char *canon;	/* "net" or the canonical layer type */
	int line;
	size_t first, n;	/* its options: opts[first .. first+n) */
};

struct chk {
	const char *name;
	char **cause;
	char *buf;		/* stripped lines; keys and values point here */
	struct opt *opts;
	size_t nopts, capopts;
	struct sec *secs;
	size_t nsecs, capsecs;
	struct cfg_note *notes;	/* what Darknet ignores, fork warnings */
	int nnotes, capnotes, ignored, warnings;
	struct cfg_fork_ctx fctx;	/* the layer's stride= and size= */
	long long at_batch;	/* > 0: check as parsed at this batch */

	long long batch;	/* Darknet's net->batch: batch/subdivisions*time_steps */
	int adam;
	long long w, h, c, inputs;	/* Darknet's params: the previous output */
	struct cfg_layer_info *layers;
	int nlayers;
	double floats;		/* estimated floats allocated so far */
	double workspace;	/* largest conv workspace, bytes */
	/* The same, split for cfg_info_est_bytes at any batch: */
	double fixed_floats;	/* weights and their updates, any batch */
	double image_floats;	/* buffers of outputs, per image */
	double fast_ws;		/* largest fast-kernel im2col buffer per image, bytes */
	long long total_weights;
	/* detection heads ([yolo], [region]) so far: all must agree */
	int heads;
	enum kind head_kind;
	long long head_classes, head_coords;
	int head_line;
};

/* Up to SHOW bytes of cfg text for a message, control bytes as '?' (Darknet
 * keeps them; a terminal should not get them). */
struct shown {
	char s[SHOW + 4];
};

static struct shown show(const char *s)
{
	struct shown r;
	size_t i;

	for (i = 0; i < SHOW && s[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)s[i];
		r.s[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	strcpy(r.s + i, s[i] != '\0' ? "..." : "");
	return r;
}

static int fail(struct chk *k, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct chk *k, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (k->cause == NULL)
		return -1;
	if (line > 0)
		*k->cause = xasprintf("%s:%d: %s", k->name, line, msg);
	else
		*k->cause = xasprintf("%s: %s", k->name, msg);
	return -1;
}

static void note(struct chk *k, enum cfg_note_kind kind, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Records something Darknet ignores or a fork warning; counts all, keeps
 * the first CFGCHECK_MAX_NOTES. */
static void note(struct chk *k, enum cfg_note_kind kind, int line,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (kind == CFG_NOTE_WARNING)
		k->warnings++;
	else
		k->ignored++;
	if (k->nnotes >= CFGCHECK_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (k->nnotes == k->capnotes) {
		k->capnotes = k->capnotes ? 2 * k->capnotes : 16;
		k->notes = xreallocarray(k->notes, (size_t)k->capnotes,
		    sizeof *k->notes);
	}
	k->notes[k->nnotes++] = (struct cfg_note){ kind, line,
	    xasprintf("%s:%d: %s%s", k->name, line,
	    kind == CFG_NOTE_WARNING ? "warning: " : "", msg) };
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* a*b for non-negative values, saturating instead of overflowing. */
static long long sat_mul(long long a, long long b)
{
	if (a != 0 && b > LLONG_MAX / a)
		return LLONG_MAX;
	return a * b;
}

static long long sat_add(long long a, long long b)
{
	return b > LLONG_MAX - a ? LLONG_MAX : a + b;
}

/* ---- numbers as Darknet reads them ---- */

/* glibc's atoi is (int)strtol(s, NULL, 10): wraps modulo 2^32 above int. */
static int dk_atoi(const char *s, const char **end)
{
	long v = strtol(s, (char **)end, 10);

	return (int)(unsigned long)v;
}

/* atof is strtod; option_find_float then narrows it to float. */
static float dk_atof(const char *s, const char **end)
{
	double v = strtod(s, (char **)end);

	if (v > FLT_MAX)
		return INFINITY;
	if (v < -FLT_MAX)
		return -INFINITY;
	return (float)v;
}

/* ---- reading: Darknet's read_cfg ---- */

static int sec_add(struct chk *k, const char *type, int line)
{
	if (k->nsecs > MAX_LAYERS)
		return fail(k, line, "more than %d layers", MAX_LAYERS);
	if (k->nsecs == k->capsecs) {
		k->capsecs = k->capsecs ? 2 * k->capsecs : 64;
		k->secs = xreallocarray(k->secs, k->capsecs, sizeof *k->secs);
	}
	k->secs[k->nsecs++] = (struct sec){ type, NULL, line, k->nopts, 0 };
	return 0;
}

/* read_option: the first '=' splits key and value; a line without one is a
 * key without value; a line ending in its first '=' does not parse. */
static int opt_add(struct chk *k, char *s, int line)
{
	char *eq = strchr(s, '=');

	/* Darknet dereferences the NULL current section here. */
	if (k->nsecs == 0)
		return fail(k, line, "option %s before the first section",
		    show(s).s);
	if (eq != NULL && eq[1] == '\0') {
		note(k, CFG_NOTE_IGNORED, line, "\"%s\" has no value: Darknet "
		    "cannot parse the line and ignores it", show(s).s);
		return 0;
	}
	if (eq != NULL)
		*eq = '\0';
	if (k->nopts == k->capopts) {
		k->capopts = k->capopts ? 2 * k->capopts : 256;
		k->opts = xreallocarray(k->opts, k->capopts, sizeof *k->opts);
	}
	k->opts[k->nopts++] = (struct opt){ s, eq != NULL ? eq + 1 : NULL,
	    line, 0, 0 };
	k->secs[k->nsecs - 1].n++;
	return 0;
}

static int line_add(struct chk *k, char *s, int line)
{
	if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
		return 0;
	/* strip() removes only ' ', '\t' and '\n': "[net]\r" is no section,
	 * and "\r" alone is an option (before [net]: a crash). */
	if ((s[0] == '[' || k->nsecs == 0) && strchr(s, '\r') != NULL)
		return fail(k, line, "carriage return (DOS line ending); "
		    "Darknet does not strip it, convert the file to Unix line "
		    "endings");
	if (s[0] == '[')
		return sec_add(k, s, line);
	return opt_add(k, s, line);
}

/* Splits text into lines and strips blanks from each, as fgetl+strip do. */
static int cfg_lex(struct chk *k, const char *text, size_t len)
{
	size_t i = 0, o = 0;
	int line = 0;

	k->buf = xmalloc(len + 1);
	while (i < len) {
		size_t start = o;
		line++;
		for (; i < len && text[i] != '\n'; i++) {
			char ch = text[i];
			/* fgetl's strlen would cut the line and misread the rest. */
			if (ch == '\0')
				return fail(k, line, "NUL byte");
			if (ch != ' ' && ch != '\t')
				k->buf[o++] = ch;
		}
		i++;
		k->buf[o++] = '\0';
		if (line_add(k, k->buf + start, line) != 0)
			return -1;
	}
	return 0;
}

/* ---- options: Darknet's option_find_* ---- */

/* option_find: the first occurrence wins and is marked used, even when its
 * line had no '=' (its value is then NULL and Darknet uses the default). */
static struct opt *opt_find(struct chk *k, const struct sec *s,
    const char *key)
{
	for (size_t i = 0; i < s->n; i++) {
		struct opt *o = &k->opts[s->first + i];
		if (strcmp(o->key, key) == 0) {
			o->used = 1;
			return o;
		}
	}
	return NULL;
}

/* The value Darknet reads for key, or NULL for its default. */
static const char *opt_val(struct chk *k, const struct sec *s,
    const char *key)
{
	const struct opt *o = opt_find(k, s, key);
	return o != NULL ? o->val : NULL;
}

static int opt_line(struct chk *k, const struct sec *s, const char *key)
{
	const struct opt *o = opt_find(k, s, key);
	return o != NULL ? o->line : s->line;
}

/* Notes text after the number, which Darknet ignores. */
static void note_rest(struct chk *k, const struct sec *s, const struct opt *o,
    const char *end, const char *reading)
{
	if (*end == '\0')
		return;
	note(k, CFG_NOTE_IGNORED, o->line, "%s %s=%s: Darknet reads %s and "
	    "ignores the rest", s->type, o->key, show(o->val).s, reading);
}

/* " (Darknet reads N)" when that is not what the text says. */
static const char *reads(int odd, char *buf, size_t n, int x)
{
	if (!odd)
		return "";
	snprintf(buf, n, " (Darknet reads %d)", x);
	return buf;
}

/* option_find_int with Darknet's default, then the range safer needs. */
static int opt_int(struct chk *k, const struct sec *s, const char *key,
    long long def, long long lo, long long hi, long long *out)
{
	const struct opt *o = opt_find(k, s, key);
	const char *end;
	char r[48], b[32];
	int x, wrapped;

	*out = def;
	if (o == NULL || o->val == NULL)
		return 0;
	x = dk_atoi(o->val, &end);
	/* beyond int, atoi wraps (and strtol saturates first) */
	wrapped = strtol(o->val, NULL, 10) != x;
	snprintf(b, sizeof b, "%d", x);
	if (wrapped && *end == '\0')
		note(k, CFG_NOTE_IGNORED, o->line, "%s %s=%s: Darknet reads %d "
		    "(int overflow)", s->type, key, show(o->val).s, x);
	note_rest(k, s, o, end, b);
	if (x < lo)
		return fail(k, o->line, "%s %s=%s%s must be at least %lld",
		    s->type, key, show(o->val).s, reads(wrapped || *end != '\0',
		    r, sizeof r, x), lo);
	if (x > hi)
		return fail(k, o->line, "%s %s=%s%s is too large (limit %lld)",
		    s->type, key, show(o->val).s, reads(wrapped || *end != '\0',
		    r, sizeof r, x), hi);
	*out = x;
	return 0;
}

/* option_find_float; finite set where the value reaches inference. */
static int opt_float(struct chk *k, const struct sec *s, const char *key,
    double def, int finite, double *out)
{
	const struct opt *o = opt_find(k, s, key);
	const char *end;
	char b[32];
	float x;

	*out = def;
	if (o == NULL || o->val == NULL)
		return 0;
	x = dk_atof(o->val, &end);
	snprintf(b, sizeof b, "%g", x);
	note_rest(k, s, o, end, b);
	if (finite && !isfinite(x))
		return fail(k, o->line, "%s %s=%s is not a finite number",
		    s->type, key, show(o->val).s);
	*out = x;
	return 0;
}

static int opt_flag(struct chk *k, const struct sec *s, const char *key,
    int *out)
{
	long long x;

	if (opt_int(k, s, key, 0, INT_MIN, INT_MAX, &x) != 0)
		return -1;
	*out = x != 0;
	return 0;
}

/* Keys Darknet reads with no consequence safer checks. */
static void opts_read(struct chk *k, const struct sec *s,
    const char *const *ints, const char *const *floats)
{
	long long x;
	double f;

	for (; *ints != NULL; ints++)
		(void)opt_int(k, s, *ints, 0, INT_MIN, INT_MAX, &x);
	for (; *floats != NULL; floats++)
		(void)opt_float(k, s, *floats, 0, 0, &f);
}

/* option_find_str of a name from list; other names become `instead`. */
static void opt_name(struct chk *k, const struct sec *s, const char *key,
    const char *const *list, const char *instead)
{
	const struct opt *o = opt_find(k, s, key);

	if (o == NULL || o->val == NULL || in_list(list, o->val))
		return;
	if (cfg_fork_find(s->canon, key, o->val, &(struct cfg_fork_ctx){ 1, 1 })
	    != NULL)
		return;		/* layer_forks warns */
	note(k, CFG_NOTE_WARNING, o->line, "%s %s=%s is unknown to this "
	    "Darknet: it uses %s instead", s->type, key, show(o->val).s,
	    instead);
}

static int opt_activation(struct chk *k, const struct sec *s)
{
	opt_name(k, s, "activation", activations, "relu");
	return 0;
}

/* ---- what Darknet ignores, and what another fork would not ---- */

/* The line of an earlier option of s with the same key, or 0. */
static int sec_earlier(const struct chk *k, const struct sec *s, size_t i)
{
	const struct opt *o = &k->opts[s->first + i];

	for (size_t j = 0; j < i; j++)
		if (strcmp(k->opts[s->first + j].key, o->key) == 0)
			return k->opts[s->first + j].line;
	return 0;
}

/* Fork rows for the section's options, as Darknet reads them. */
static void sec_forks(struct chk *k, const struct sec *s,
    const struct cfg_fork_ctx *ctx)
{
	for (size_t i = 0; i < s->n; i++) {
		struct opt *o = &k->opts[s->first + i];
		const struct cfg_fork *f;
		/* only the first occurrence counts, in that fork too */
		if (o->val == NULL || sec_earlier(k, s, i) > 0)
			continue;
		f = cfg_fork_find(s->canon, o->key, o->val, ctx);
		if (f == NULL)
			continue;
		o->forked = 1;
		note(k, CFG_NOTE_WARNING, o->line, "%s %s=%s is honoured by "
		    "AlexeyAB's Darknet but %s: %s", s->type, o->key,
		    show(o->val).s, f->instead != NULL ? f->instead :
		    "ignored by this Darknet", f->effect == FORK_INFERENCE ?
		    "results will differ from that fork" :
		    "training will differ from that fork");
	}
}

/* option_unused: every option Darknet did not look up (Darknet prints these
 * for layers as "Unused field", never for [net]). */
static void sec_unused(struct chk *k, const struct sec *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct opt *o = &k->opts[s->first + i];
		int first = sec_earlier(k, s, i);
		if (o->used && o->val == NULL)
			note(k, CFG_NOTE_IGNORED, o->line, "%s %s has no '=': "
			    "Darknet uses its default for %s", s->type,
			    show(o->key).s, show(o->key).s);
		else if (o->used || o->forked)
			continue;
		else if (first > 0)
			note(k, CFG_NOTE_IGNORED, o->line, "%s %s= repeats line "
			    "%d: Darknet uses the first and ignores this one",
			    s->type, show(o->key).s, first);
		else
			note(k, CFG_NOTE_IGNORED, o->line, "%s %s%s%s is not a "
			    "key Darknet reads here: ignored", s->type,
			    show(o->key).s, o->val != NULL ? "=" : "",
			    o->val != NULL ? show(o->val).s : "");
	}
}

/* ---- [net]: parse_net_options ---- */

/* policy=steps: Darknet walks steps= by its commas and scales= along with
 * it, past the end of scales= if that has fewer. */
static int net_steps(struct chk *k, const struct sec *s)
{
	const struct opt *st = opt_find(k, s, "steps");
	const struct opt *sc = opt_find(k, s, "scales");
	size_t nst = 0, nsc = 0;

	if (st == NULL || sc == NULL || st->val == NULL || sc->val == NULL)
		return fail(k, s->line, "[net] policy=steps needs steps= and "
		    "scales=");
	for (const char *p = st->val; *p != '\0'; p++)
		nst += *p == ',';
	for (const char *p = sc->val; *p != '\0'; p++)
		nsc += *p == ',';
	if (nsc < nst)
		return fail(k, sc->line, "[net] scales= has fewer values (%zu) "
		    "than steps= (%zu): Darknet would read past its end",
		    nsc + 1, nst + 1);
	return 0;
}

/* The learning-rate policy and the keys it makes Darknet read. */
static int net_policy(struct chk *k, const struct sec *s)
{
	const char *p = opt_val(k, s, "policy");
	long long x;
	double f;

	opt_name(k, s, "policy", policies, "policy=constant");
	if (p == NULL)
		return 0;
	if (strcmp(p, "step") == 0) {
		(void)opt_int(k, s, "step", 1, INT_MIN, INT_MAX, &x);
		(void)opt_float(k, s, "scale", 1, 0, &f);
	} else if (strcmp(p, "steps") == 0) {
		return net_steps(k, s);
	} else if (strcmp(p, "exp") == 0) {
		(void)opt_float(k, s, "gamma", 1, 0, &f);
	} else if (strcmp(p, "sigmoid") == 0) {
		(void)opt_float(k, s, "gamma", 1, 0, &f);
		(void)opt_int(k, s, "step", 1, INT_MIN, INT_MAX, &x);
	}
	return 0;
}

static int net_batch(struct chk *k, const struct sec *s,
    struct cfg_info *info)
{
	long long batch, sub, steps;

	if (opt_int(k, s, "batch", 1, 1, MAX_DIM, &batch) != 0 ||
	    opt_int(k, s, "subdivisions", 1, 1, MAX_DIM, &sub) != 0 ||
	    opt_int(k, s, "time_steps", 1, 1, MAX_DIM, &steps) != 0)
		return -1;
	/* net->batch /= subdivs: an empty mini-batch allocates nothing
	 * (cfgcheck_with_batch makes it batch=B, subdivisions=1). */
	if (batch < sub && k->at_batch <= 0)
		return fail(k, opt_line(k, s, "subdivisions"), "[net] batch=%lld "
		    "is smaller than subdivisions=%lld", batch, sub);
	k->batch = (k->at_batch > 0 ? k->at_batch : batch / sub) * steps;
	if (k->batch > MAX_DIM)
		return fail(k, opt_line(k, s, "time_steps"), "[net] batch "
		    "%lld × time_steps=%lld is too large (limit %lld)",
		    batch / sub, steps, MAX_DIM);
	info->batch = (int)batch;
	info->subdivisions = (int)sub;
	return 0;
}

static int net_input(struct chk *k, const struct sec *s,
    struct cfg_info *info)
{
	long long h, w, c, inputs;
	int given;

	if (opt_int(k, s, "height", 0, 0, MAX_DIM, &h) != 0 ||
	    opt_int(k, s, "width", 0, 0, MAX_DIM, &w) != 0 ||
	    opt_int(k, s, "channels", 0, 0, MAX_DIM, &c) != 0 ||
	    opt_int(k, s, "inputs", 0, 0, MAX_ELEMS, &inputs) != 0)
		return -1;
	given = (h > 0) + (w > 0) + (c > 0);
	if (given != 0 && given != 3)
		return fail(k, s->line, "[net] needs all of height, width and "
		    "channels (or only inputs)");
	if (given == 0 && inputs == 0)
		return fail(k, s->line, "[net] gives no input size (height, "
		    "width and channels, or inputs)");
	if (given == 3) {
		long long hwc = sat_mul(sat_mul(h, w), c);
		if (hwc > MAX_ELEMS)
			return fail(k, s->line, "[net] input %lld×%lld×%lld is "
			    "too large (limit %lld values)", w, h, c, MAX_ELEMS);
		if (inputs != 0 && inputs != hwc)
			return fail(k, opt_line(k, s, "inputs"), "[net] inputs="
			    "%lld disagrees with width × height × channels = "
			    "%lld", inputs, hwc);
		inputs = hwc;
	}
	if (sat_mul(inputs, k->batch) > MAX_ELEMS)
		return fail(k, s->line, "[net] input of %lld values × batch "
		    "%lld is too large (limit %lld)", inputs, k->batch,
		    MAX_ELEMS);
	k->w = w, k->h = h, k->c = c, k->inputs = inputs;
	info->w = given ? (int)w : 1;
	info->h = given ? (int)h : 1;
	info->c = given ? (int)c : (int)inputs;
	/* parse_net_options: net->input and net->truth */
	k->floats += 2.0 * (double)inputs * (double)k->batch;
	k->image_floats += 2.0 * (double)inputs;
	return 0;
}

static int net_parse(struct chk *k, struct sec *s, struct cfg_info *info)
{
	int adam;
	double f;

	s->canon = "net";
	if (net_batch(k, s, info) != 0 || net_input(k, s, info) != 0 ||
	    opt_flag(k, s, "adam", &adam) != 0 || net_policy(k, s) != 0)
		return -1;
	if (adam) {
		(void)opt_float(k, s, "B1", .9, 0, &f);
		(void)opt_float(k, s, "B2", .999, 0, &f);
		(void)opt_float(k, s, "eps", .0000001, 0, &f);
	}
	opts_read(k, s, net_ints, net_floats);
	k->adam = adam;
	sec_forks(k, s, &(struct cfg_fork_ctx){ 1, 1 });
	sec_unused(k, s);
	return 0;
}

/* ---- layers: parse_convolutional, parse_connected, ... ---- */

/* What a layer adds, before the common limits are applied. */
struct out {
	long long w, h, c, outputs, nweights;
	double bufs;		/* float buffers of outputs × batch */
	double params;		/* floats allocated for weights */
};

static int need_image(struct chk *k, const struct sec *s)
{
	if (k->w > 0 && k->h > 0 && k->c > 0)
		return 0;
	/* Darknet: error("Layer before ... layer must output image.") */
	return fail(k, s->line, "%s needs an image input, but the layer before "
	    "it outputs %lld×%lld×%lld", s->type, k->w, k->h, k->c);
}

static int too_big(struct chk *k, const struct sec *s, int line,
    const char *what, long long n)
{
	return fail(k, line, "%s %s: %lld, more than Darknet can hold "
	    "(limit %lld)", s->type, what, n, MAX_ELEMS);
}

static int conv_shape(struct chk *k, const struct sec *s, long long size,
    long long stride, long long padding, struct out *o)
{
	if (k->w + 2 * padding < size || k->h + 2 * padding < size)
		return fail(k, opt_line(k, s, "size"), "%s size=%lld is larger "
		    "than its padded %lld×%lld input", s->type, size, k->w,
		    k->h);
	o->w = (k->w + 2 * padding - size) / stride + 1;
	o->h = (k->h + 2 * padding - size) / stride + 1;
	return 0;
}

static int layer_conv(struct chk *k, const struct sec *s, struct out *o)
{
	long long n, size, stride, pad, padding, groups, w, ws;
	int bn;

	if (opt_int(k, s, "filters", 1, 1, MAX_DIM, &n) != 0 ||
	    opt_int(k, s, "size", 1, 1, MAX_DIM, &size) != 0 ||
	    opt_int(k, s, "stride", 1, 1, MAX_DIM, &stride) != 0 ||
	    opt_int(k, s, "pad", 0, INT_MIN, INT_MAX, &pad) != 0 ||
	    opt_int(k, s, "padding", 0, 0, MAX_DIM, &padding) != 0 ||
	    opt_int(k, s, "groups", 1, 1, MAX_DIM, &groups) != 0 ||
	    opt_flag(k, s, "batch_normalize", &bn) != 0 ||
	    opt_activation(k, s) != 0 || need_image(k, s) != 0)
		return -1;
	opts_read(k, s, (const char *const[]){ "binary", "xnor", "flipped",
	    NULL }, (const char *const[]){ "dot", NULL });
	k->fctx = (struct cfg_fork_ctx){ stride, size };
	if (pad)
		padding = size / 2;
	if (k->c % groups != 0 || n % groups != 0)
		return fail(k, opt_line(k, s, "groups"), "%s groups=%lld does "
		    "not divide both the %lld input channels and filters=%lld",
		    s->type, groups, k->c, n);
	if (conv_shape(k, s, size, stride, padding, o) != 0)
		return -1;
	o->c = n;
	w = sat_mul(sat_mul(sat_mul(k->c / groups, n), size), size);
	if (w > MAX_ELEMS)
		return too_big(k, s, opt_line(k, s, "filters"), "filters × "
		    "channels/groups × size × size weights", w);
	/* im2col indexes the workspace with int (get_workspace_size). */
	ws = sat_mul(sat_mul(sat_mul(o->w * o->h, size), size), k->c / groups);
	if (ws > MAX_ELEMS)
		return too_big(k, s, opt_line(k, s, "size"), "convolution "
		    "workspace values", ws);
	/* Darknet's one workspace, per image (get_workspace_size) */
	if (4.0 * (double)ws > k->workspace)
		k->workspace = 4.0 * (double)ws;
	/* backend_use_blas's, per image of the batch (kernels.c conv_workspace:
	 * the whole batch is unfolded at once, plus one product's output) */
	double fws = 4.0 * ((double)ws + (double)(n / groups) * (double)(o->w * o->h));
	if (fws > k->fast_ws)
		k->fast_ws = fws;
	o->nweights = n + (bn ? 3 * n : 0) + w;
	o->params = (double)w * (k->adam ? 4 : 2);
	o->bufs = bn ? 4 : 2;
	return 0;
}

static int layer_conn(struct chk *k, const struct sec *s, struct out *o)
{
	long long n, w;
	int bn;

	if (opt_int(k, s, "output", 1, 1, MAX_DIM, &n) != 0 ||
	    opt_flag(k, s, "batch_normalize", &bn) != 0 ||
	    opt_activation(k, s) != 0)
		return -1;
	w = sat_mul(k->inputs, n);
	if (w > MAX_ELEMS)
		return too_big(k, s, opt_line(k, s, "output"), "output × inputs "
		    "weights", w);
	o->w = o->h = 1;
	o->c = n;
	o->nweights = n + w + (bn ? 3 * n : 0);
	o->params = (double)w * (k->adam ? 4 : 2);
	o->bufs = bn ? 4 : 2;
	return 0;
}

static int layer_maxpool(struct chk *k, const struct sec *s, struct out *o)
{
	long long stride, size, padding;

	if (opt_int(k, s, "stride", 1, 1, MAX_DIM, &stride) != 0 ||
	    opt_int(k, s, "size", stride, 1, MAX_DIM, &size) != 0 ||
	    opt_int(k, s, "padding", size - 1, 0, MAX_DIM, &padding) != 0 ||
	    need_image(k, s) != 0)
		return -1;
	k->fctx = (struct cfg_fork_ctx){ stride, size };
	if (k->w + padding < size || k->h + padding < size)
		return fail(k, opt_line(k, s, "size"), "%s size=%lld is larger "
		    "than its padded %lld×%lld input", s->type, size, k->w,
		    k->h);
	o->w = (k->w + padding - size) / stride + 1;
	o->h = (k->h + padding - size) / stride + 1;
	o->c = k->c;
	o->bufs = 3;	/* output, delta, indexes */
	return 0;
}

static int layer_avgpool(struct chk *k, const struct sec *s, struct out *o)
{
	if (need_image(k, s) != 0)
		return -1;
	o->w = o->h = 1;
	o->c = k->c;
	o->bufs = 2;
	return 0;
}

static int layer_dropout(struct chk *k, const struct sec *s, struct out *o)
{
	double p;

	/* Darknet shares net->layers[count-1].output: index -1 at first. */
	if (k->nlayers == 0)
		return fail(k, s->line, "[dropout] cannot be the first layer");
	if (opt_float(k, s, "probability", .5, 1, &p) != 0)
		return -1;
	if (p < 0 || p >= 1)
		return fail(k, opt_line(k, s, "probability"), "[dropout] "
		    "probability=%g must be in [0, 1)", p);
	o->w = k->w, o->h = k->h, o->c = k->c;
	o->outputs = k->inputs;
	o->bufs = 1;
	return 0;
}

static int layer_softmax(struct chk *k, const struct sec *s, struct out *o)
{
	long long groups, x;
	double t, f;

	if (opt_val(k, s, "tree") != NULL)
		return fail(k, opt_line(k, s, "tree"), "%s tree= (hierarchical "
		    "softmax) is not supported", s->type);
	if (opt_int(k, s, "groups", 1, 1, MAX_DIM, &groups) != 0 ||
	    opt_float(k, s, "temperature", 1, 1, &t) != 0)
		return -1;
	/* softmax_cpu divides by it: every output NaN */
	if (t == 0)
		return fail(k, opt_line(k, s, "temperature"), "%s temperature=0 "
		    "divides by zero", s->type);
	(void)opt_float(k, s, "spatial", 0, 0, &f);
	(void)opt_int(k, s, "noloss", 0, INT_MIN, INT_MAX, &x);
	if (k->inputs % groups != 0)
		return fail(k, opt_line(k, s, "groups"), "%s groups=%lld does "
		    "not divide its %lld inputs", s->type, groups, k->inputs);
	o->outputs = k->inputs;	/* out_w/h/c stay 0, as in Darknet */
	o->bufs = 3;
	return 0;
}

/* Beware: Darknet's CPU make_batchnorm_layer leaves x, x_norm, mean_delta
 * and variance_delta NULL, which forward/backward_batchnorm_layer write to;
 * whoever runs the network must allocate them after parsing. */
static int layer_batchnorm(struct chk *k, const struct sec *s, struct out *o)
{
	if (need_image(k, s) != 0)
		return -1;
	o->w = k->w, o->h = k->h, o->c = k->c;
	o->nweights = 3 * k->c;	/* load_batchnorm_weights: l.c each */
	o->bufs = 2;
	return 0;
}

/* make_crop_layer: at inference forward_crop_layer copies the centred
 * crop_width×crop_height window (reading outside the input when it is
 * larger) and maps it to 2x-1 unless noadjust.  Its backward does nothing,
 * so gradients would stop there: safer takes it as the first layer only,
 * where every Darknet cfg has it. */
static int layer_crop(struct chk *k, const struct sec *s, struct out *o)
{
	long long cw, ch, x;

	if (k->nlayers != 0)
		return fail(k, s->line, "[crop] is handled as the first layer only "
		    "(its backward pass stops gradients)");
	if (need_image(k, s) != 0 ||
	    opt_int(k, s, "crop_height", 1, 1, MAX_DIM, &ch) != 0 ||
	    opt_int(k, s, "crop_width", 1, 1, MAX_DIM, &cw) != 0 ||
	    opt_int(k, s, "flip", 0, INT_MIN, INT_MAX, &x) != 0 ||
	    opt_int(k, s, "noadjust", 0, INT_MIN, INT_MAX, &x) != 0)
		return -1;
	if (cw > k->w || ch > k->h)
		return fail(k, opt_line(k, s, cw > k->w ? "crop_width" : "crop_height"),
		    "[crop] %lld×%lld is larger than its %lld×%lld input (Darknet "
		    "would read outside it)", cw, ch, k->w, k->h);
	opts_read(k, s, none, (const char *const[]){ "angle", "saturation",
	    "exposure", "shift", NULL });
	o->w = cw, o->h = ch, o->c = k->c;
	o->bufs = 1;
	return 0;
}

/* ---- detectors: parse_yolo, parse_region, parse_upsample, parse_reorg ---- */

/* Comma-separated pieces in a value, as Darknet counts them. */
static long long pieces(const char *v)
{
	long long n = 1;

	for (; *v != '\0'; v++)
		n += *v == ',';
	return n;
}

/* read_map and read_tree read another file while parsing (file_error()
 * ends the process when it is missing) and change what the head means. */
static int head_files(struct chk *k, const struct sec *s)
{
	static const char *const keys[] = { "tree", "map", NULL };

	for (const char *const *key = keys; *key != NULL; key++)
		if (opt_val(k, s, *key) != NULL)
			return fail(k, opt_line(k, s, *key), "%s %s= (a class "
			    "%s read from another file) is not supported",
			    s->type, *key, strcmp(*key, "map") == 0 ? "map" :
			    "tree, hierarchical softmax");
	return 0;
}

/* parse_yolo_mask: the atoi of each piece; the head's anchors are those
 * entries of its num= anchors (get_yolo_box reads biases[2*mask[n]]). */
static int yolo_mask(struct chk *k, const struct sec *s, long long total,
    long long *n)
{
	const struct opt *m = opt_find(k, s, "mask");
	const char *p, *end;
	int odd = 0;

	*n = total;
	if (m == NULL || m->val == NULL)
		return 0;
	*n = pieces(m->val);
	if (*n > MAX_DIM)
		return fail(k, m->line, "%s mask= has %lld entries (limit %lld)",
		    s->type, *n, MAX_DIM);
	for (p = m->val;; p++) {
		int v = dk_atoi(p, &end);
		odd |= end == p || (*end != ',' && *end != '\0');
		if (v < 0 || v >= total)
			return fail(k, m->line, "%s mask=%s: entry %d is not one "
			    "of the num=%lld anchors (0..%lld)", s->type,
			    show(m->val).s, v, total, total - 1);
		p = strchr(end, ',');
		if (p == NULL)
			break;
	}
	if (odd)
		note(k, CFG_NOTE_IGNORED, m->line, "%s mask=%s: Darknet reads "
		    "each piece's leading integer (0 for none) and ignores the "
		    "rest", s->type, show(m->val).s);
	return 0;
}

/* anchors=: Darknet writes the atof of every piece into l.biases, which
 * holds 2*num floats (initialised to .5), without checking the count. */
static int head_anchors(struct chk *k, const struct sec *s, long long num)
{
	const struct opt *a = opt_find(k, s, "anchors");
	const char *p, *end;
	long long n;
	int odd = 0;

	if (a == NULL || a->val == NULL) {
		note(k, CFG_NOTE_WARNING, s->line, "%s has no anchors=: Darknet "
		    "uses 0.5 for every anchor's width and height", s->type);
		return 0;
	}
	n = pieces(a->val);
	if (n > 2 * num)
		return fail(k, a->line, "%s anchors= has %lld values, more than "
		    "2 × num=%lld (Darknet would write past its anchor array)",
		    s->type, n, num);
	for (p = a->val;; p++) {
		float v = dk_atof(p, &end);
		odd |= end == p || (*end != ',' && *end != '\0');
		if (!isfinite(v))
			return fail(k, a->line, "%s anchors=%s: a value is not a "
			    "finite number", s->type, show(a->val).s);
		p = strchr(end, ',');
		if (p == NULL)
			break;
	}
	if (odd)
		note(k, CFG_NOTE_IGNORED, a->line, "%s anchors=%s: Darknet reads "
		    "each piece's leading number (0 for none) and ignores the "
		    "rest", s->type, show(a->val).s);
	if (n < 2 * num)
		note(k, CFG_NOTE_WARNING, a->line, "%s anchors= gives %lld "
		    "values for num=%lld anchors: Darknet uses 0.5 for the "
		    "other %lld", s->type, n, num, 2 * num - n);
	return 0;
}

/* make_yolo_layer/make_region_layer take the input's width and height and
 * the channels they imply; parse_* asserts l.outputs == params.inputs. */
static int head_input(struct chk *k, const struct sec *s, long long n,
    long long per, const char *how)
{
	long long want = sat_mul(sat_mul(sat_mul(k->w, k->h), n), per);

	if (k->w > 0 && k->h > 0 && want == k->inputs)
		return 0;
	return fail(k, s->line, "%s needs %lld input channels (%s), but the "
	    "layer before it outputs %lld×%lld×%lld", s->type, sat_mul(n, per),
	    how, k->w, k->h, k->c);
}

/* make_network_boxes sizes every head's detections by the last layer's
 * classes (and region coords): heads that disagree overflow them. */
static int head_add(struct chk *k, const struct sec *s, enum kind kd,
    long long classes, long long coords)
{
	if (k->heads > 0 && (kd != k->head_kind || classes != k->head_classes ||
	    coords != k->head_coords))
		return fail(k, s->line, "%s (classes=%lld) differs from the "
		    "head at line %d (classes=%lld): Darknet sizes every head's "
		    "detections by the last one", s->type, classes, k->head_line,
		    k->head_classes);
	k->heads++;
	k->head_kind = kd;
	k->head_classes = classes;
	k->head_coords = coords;
	k->head_line = s->line;
	return 0;
}

/* At inference forward_yolo_layer copies its input and applies the
 * logistic to x, y, objectness and classes; the rest is training. */
static int layer_yolo(struct chk *k, const struct sec *s, struct out *o)
{
	long long classes, total, n;
	char how[96];

	if (opt_int(k, s, "classes", 20, 1, MAX_DIM, &classes) != 0 ||
	    opt_int(k, s, "num", 1, 1, MAX_DIM, &total) != 0 ||
	    yolo_mask(k, s, total, &n) != 0)
		return -1;
	snprintf(how, sizeof how, "%lld anchors × (classes=%lld + 5)", n,
	    classes);
	if (head_input(k, s, n, classes + 5, how) != 0 ||
	    head_files(k, s) != 0 || head_anchors(k, s, total) != 0 ||
	    head_add(k, s, K_YOLO, classes, 4) != 0)
		return -1;
	opts_read(k, s, (const char *const[]){ "max", "random", NULL },
	    (const char *const[]){ "jitter", "ignore_thresh", "truth_thresh",
	    NULL });
	o->w = k->w, o->h = k->h, o->c = n * (classes + 5);
	o->bufs = 2;
	o->params = 2.0 * (double)(total + n);	/* biases, bias_updates */
	return 0;
}

/* forward_region_layer at inference: logistic on x, y and objectness
 * (unless background=), then logistic or softmax= on the classes. */
static int layer_region(struct chk *k, const struct sec *s, struct out *o)
{
	long long coords, classes, num;
	char how[96];

	if (opt_int(k, s, "coords", 4, 4, MAX_DIM, &coords) != 0 ||
	    opt_int(k, s, "classes", 20, 1, MAX_DIM, &classes) != 0 ||
	    opt_int(k, s, "num", 1, 1, MAX_DIM, &num) != 0)
		return -1;
	snprintf(how, sizeof how, "num=%lld × (classes=%lld + coords=%lld + "
	    "1)", num, classes, coords);
	if (head_input(k, s, num, classes + coords + 1, how) != 0 ||
	    head_files(k, s) != 0 || head_anchors(k, s, num) != 0 ||
	    head_add(k, s, K_REGION, classes, coords) != 0)
		return -1;
	opts_read(k, s, (const char *const[]){ "log", "sqrt", "softmax",
	    "background", "max", "rescore", "classfix", "absolute", "random",
	    "bias_match", NULL }, (const char *const[]){ "jitter", "thresh",
	    "coord_scale", "object_scale", "noobject_scale", "mask_scale",
	    "class_scale", NULL });
	o->w = k->w, o->h = k->h, o->c = num * (classes + coords + 1);
	o->bufs = 2;
	o->params = 4.0 * (double)num;	/* biases, bias_updates */
	return 0;
}

/* make_upsample_layer: stride=N repeats each value N×N times (times
 * scale=); a negative stride sums N×N blocks instead, reading the input
 * as rows of out_w*N values, which is its layout only when N divides it. */
static int layer_upsample(struct chk *k, const struct sec *s, struct out *o)
{
	long long stride, n;
	double scale;

	if (opt_int(k, s, "stride", 2, -MAX_DIM, MAX_DIM, &stride) != 0 ||
	    opt_float(k, s, "scale", 1, 1, &scale) != 0 ||
	    need_image(k, s) != 0)
		return -1;
	if (stride == 0)
		return fail(k, opt_line(k, s, "stride"), "%s stride=0 gives no "
		    "output", s->type);
	n = stride < 0 ? -stride : stride;
	if (stride < 0 && (k->w % n != 0 || k->h % n != 0))
		return fail(k, opt_line(k, s, "stride"), "%s stride=%lld does "
		    "not divide its %lld×%lld input (Darknet would read it with "
		    "the wrong row width)", s->type, stride, k->w, k->h);
	o->w = stride > 0 ? sat_mul(k->w, n) : k->w / n;
	o->h = stride > 0 ? sat_mul(k->h, n) : k->h / n;
	o->c = k->c;
	o->bufs = 2;
	return 0;
}

/* make_reorg_layer; reorg_cpu indexes the channels modulo c/(stride²)
 * and the output by the input's width and height, so both must divide. */
static int layer_reorg(struct chk *k, const struct sec *s, struct out *o)
{
	long long stride, extra, s2;
	int reverse, flatten;

	if (opt_int(k, s, "stride", 1, 1, MAX_DIM, &stride) != 0 ||
	    opt_flag(k, s, "reverse", &reverse) != 0 ||
	    opt_flag(k, s, "flatten", &flatten) != 0 ||
	    opt_int(k, s, "extra", 0, 0, MAX_ELEMS, &extra) != 0 ||
	    need_image(k, s) != 0)
		return -1;
	o->bufs = 2;
	if (extra != 0) {
		/* a copy into a longer vector; flatten would copy outputs
		 * floats from the shorter input */
		if (flatten)
			return fail(k, opt_line(k, s, "extra"), "%s extra= with "
			    "flatten= would read past its input", s->type);
		o->outputs = sat_add(k->inputs, extra);	/* out_w/h/c stay 0 */
		return 0;
	}
	s2 = stride * stride;
	if (k->c % s2 != 0)
		return fail(k, opt_line(k, s, "stride"), "%s stride=%lld: its "
		    "%lld input channels are not a multiple of stride × stride "
		    "(Darknet would divide by zero or write outside its output)",
		    s->type, stride, k->c);
	if (!reverse && (k->w % stride != 0 || k->h % stride != 0))
		return fail(k, opt_line(k, s, "stride"), "%s stride=%lld does "
		    "not divide its %lld×%lld input (Darknet would write past "
		    "its output)", s->type, stride, k->w, k->h);
	o->w = reverse ? sat_mul(k->w, stride) : k->w / stride;
	o->h = reverse ? sat_mul(k->h, stride) : k->h / stride;
	o->c = reverse ? k->c / s2 : sat_mul(k->c, s2);
	return 0;
}

static int layer_cost(struct chk *k, const struct sec *s, struct out *o)
{
	if ((size_t)k->nlayers + 2 != k->nsecs)
		return fail(k, s->line, "[cost] must be the last layer");
	opt_name(k, s, "type", cost_types, "type=sse");
	opts_read(k, s, none, (const char *const[]){ "scale", "ratio", "noobj",
	    "thresh", NULL });
	o->outputs = k->inputs;
	o->bufs = 2;
	return 0;
}

/* A layer reference: negative is relative to the current index. */
static int layer_ref(struct chk *k, int line, const char *what, long long v,
    long long *idx)
{
	long long i = v < 0 ? k->nlayers + v : v;

	if (i < 0 || i >= k->nlayers) {
		if (k->nlayers == 0)
			return fail(k, line, "%s=%lld: layer %d has no earlier "
			    "layer to refer to", what, v, k->nlayers);
		return fail(k, line, "%s=%lld refers to layer %lld; it must be "
		    "an earlier layer (0..%d)", what, v, i, k->nlayers - 1);
	}
	*idx = i;
	return 0;
}

static int layer_shortcut(struct chk *k, const struct sec *s, struct out *o)
{
	const struct opt *from = opt_find(k, s, "from");
	const struct cfg_layer_info *f;
	const char *end;
	long long v, idx, w1, h1, w2 = k->w, h2 = k->h;
	double ab;
	char b[32];

	/* Darknet: atoi(option_find(options, "from")), NULL included. */
	if (from == NULL || from->val == NULL)
		return fail(k, s->line, "[shortcut] needs from=");
	v = dk_atoi(from->val, &end);
	snprintf(b, sizeof b, "%lld", v);
	if (*end != ',')	/* a list is another fork's: sec_forks warns */
		note_rest(k, s, from, end, b);
	if (layer_ref(k, from->line, "[shortcut] from", v, &idx) != 0 ||
	    opt_activation(k, s) != 0 ||
	    opt_float(k, s, "alpha", 1, 1, &ab) != 0 ||
	    opt_float(k, s, "beta", 1, 1, &ab) != 0)
		return -1;
	f = &k->layers[idx];
	w1 = f->out_w, h1 = f->out_h;
	if (w1 <= 0 || h1 <= 0 || f->out_c <= 0 || w2 <= 0 || h2 <= 0 ||
	    k->c <= 0)
		return fail(k, from->line, "[shortcut] needs images, but layer "
		    "%lld outputs %lld×%lld×%d and the layer before it "
		    "%lld×%lld×%lld", idx, w1, h1, f->out_c, w2, h2, k->c);
	/* shortcut_cpu asserts these (and divides by the widths). */
	if (w1 / w2 != h1 / h2 || w2 / w1 != h2 / h1)
		return fail(k, from->line, "[shortcut] layer %lld (%lld×%lld) "
		    "and the layer before it (%lld×%lld) are not scaled alike",
		    idx, w1, h1, w2, h2);
	o->w = w2, o->h = h2, o->c = k->c;
	o->bufs = 2;
	return 0;
}

static int layer_route(struct chk *k, const struct sec *s, struct out *o)
{
	const struct opt *l = opt_find(k, s, "layers");
	const struct cfg_layer_info *first = NULL, *f;
	const char *p, *end;
	long long v, idx;
	int odd = 0;

	/* Darknet calls strlen on the missing value before checking it. */
	if (l == NULL || l->val == NULL)
		return fail(k, s->line, "[route] needs layers=");
	/* atoi of each comma-separated piece, "" included (layer 0) */
	for (p = l->val;; p++) {
		v = dk_atoi(p, &end);
		odd |= end == p || (*end != ',' && *end != '\0');
		if (layer_ref(k, l->line, "[route] layers", v, &idx) != 0)
			return -1;
		f = &k->layers[idx];
		o->outputs = sat_add(o->outputs, f->outputs);
		if (first == NULL) {
			first = f;
			o->w = f->out_w, o->h = f->out_h, o->c = f->out_c;
		} else if (f->out_w == first->out_w && f->out_h == first->out_h) {
			o->c += f->out_c;
		} else {
			o->w = o->h = o->c = 0;
		}
		p = strchr(end, ',');
		if (p == NULL)
			break;
	}
	if (odd)
		note(k, CFG_NOTE_IGNORED, l->line, "%s layers=%s: Darknet reads "
		    "each piece's leading integer (0 for none) and ignores the "
		    "rest", s->type, show(l->val).s);
	o->bufs = 2;
	return 0;
}

/* Common per-layer keys read by parse_network_cfg after every layer. */
static int layer_common(struct chk *k, const struct sec *s)
{
	const char *const *key;
	long long x;

	for (key = layout_keys; *key != NULL; key++) {
		if (opt_int(k, s, *key, 0, INT_MIN, INT_MAX, &x) != 0)
			return -1;
		if (x != 0)
			return fail(k, opt_line(k, s, *key), "%s %s=%lld is not "
			    "supported (it changes the weights file layout)",
			    s->type, *key, x);
	}
	opts_read(k, s, layer_ints, layer_floats);
	return 0;
}

static int layer_parse(struct chk *k, const struct sec *s, enum kind kd,
    struct out *o)
{
	switch (kd) {
	case K_CONV:
		return layer_conv(k, s, o);
	case K_CONN:
		return layer_conn(k, s, o);
	case K_MAX:
		return layer_maxpool(k, s, o);
	case K_AVG:
		return layer_avgpool(k, s, o);
	case K_DROP:
		return layer_dropout(k, s, o);
	case K_SOFT:
		return layer_softmax(k, s, o);
	case K_SHORT:
		return layer_shortcut(k, s, o);
	case K_ROUTE:
		return layer_route(k, s, o);
	case K_BN:
		return layer_batchnorm(k, s, o);
	case K_COST:
		return layer_cost(k, s, o);
	case K_CROP:
		return layer_crop(k, s, o);
	case K_YOLO:
		return layer_yolo(k, s, o);
	case K_REGION:
		return layer_region(k, s, o);
	case K_UP:
		return layer_upsample(k, s, o);
	case K_REORG:
		return layer_reorg(k, s, o);
	}
	return -1;
}

/* Limits every layer must meet, then the running memory estimate. */
static int layer_account(struct chk *k, const struct sec *s, struct out *o)
{
	double est;

	if (o->w > MAX_DIM || o->h > MAX_DIM || o->c > MAX_DIM)
		return fail(k, s->line, "%s output %lld×%lld×%lld is too large "
		    "(limit %lld per dimension)", s->type, o->w, o->h, o->c,
		    MAX_DIM);
	if (o->outputs == 0)
		o->outputs = o->w * o->h * o->c;
	if (o->outputs <= 0)
		return fail(k, s->line, "%s has no outputs", s->type);
	if (sat_mul(o->outputs, k->batch) > MAX_ELEMS)
		return too_big(k, s, s->line, "layer outputs × batch",
		    sat_mul(o->outputs, k->batch));
	k->floats += o->params + o->bufs * (double)o->outputs *
	    (double)k->batch;
	k->fixed_floats += o->params;
	k->image_floats += o->bufs * (double)o->outputs;
	est = 4.0 * k->floats + k->workspace;
	if (est > MAX_EST_BYTES)
		return fail(k, s->line, "%s brings the estimated memory at "
		    "batch %lld to %.1f GiB (limit 8 GiB)", s->type, k->batch,
		    est / (1024.0 * 1024 * 1024));
	k->total_weights += o->nweights;
	return 0;
}

/* Darknet prints "Type not recognized" for any other section and keeps an
 * all-zero layer, whose NULL forward function crashes the first run. */
static int layer_kind(struct chk *k, struct sec *s, size_t *which)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].section, s->type) == 0) {
			*which = i;
			s->canon = kinds[i].canon;
			return 0;
		}
	}
	if (strcmp(s->type, "[net]") == 0 || strcmp(s->type, "[network]") == 0)
		return fail(k, s->line, "%s may only be the first section",
		    s->type);
	if (in_list(unsupported, s->type))
		return fail(k, s->line, "layer kind %s is not supported "
		    "(safer handles " SUPPORTED ")", s->type);
	if (in_list(cfg_fork_sections, s->type))
		return fail(k, s->line, "layer kind %s is AlexeyAB's Darknet's; "
		    "this Darknet does not know it (it would crash running the "
		    "empty layer it leaves)", s->type);
	return fail(k, s->line, "layer kind %s is unknown (safer handles "
	    SUPPORTED ")", show(s->type).s);
}

/* backward_network hands layer 0 the network's delta, which is NULL; these
 * backward functions write to it unchecked (conv and connected check;
 * crop's backward does nothing). */
static int layer_first(struct chk *k, const struct sec *s, enum kind kd)
{
	if (k->nlayers != 0 || kd == K_CONV || kd == K_CONN || kd == K_DROP ||
	    kd == K_SHORT || kd == K_ROUTE || kd == K_CROP)	/* fine, or a better message */
		return 0;
	return fail(k, s->line, "%s cannot be the first layer (Darknet's "
	    "backward pass would write to the missing input gradient)",
	    s->type);
}

static int layer_check(struct chk *k, struct sec *s)
{
	struct cfg_layer_info *li = &k->layers[k->nlayers];
	struct out o = { 0 };
	size_t which = 0;

	k->fctx = (struct cfg_fork_ctx){ 1, 1 };
	if (layer_kind(k, s, &which) != 0 ||
	    layer_first(k, s, kinds[which].kind) != 0 ||
	    layer_common(k, s) != 0 ||
	    layer_parse(k, s, kinds[which].kind, &o) != 0 ||
	    layer_account(k, s, &o) != 0)
		return -1;
	sec_forks(k, s, &k->fctx);
	sec_unused(k, s);
	li->line = s->line;
	li->kind_supported = 1;
	snprintf(li->type, sizeof li->type, "%s", kinds[which].canon);
	li->out_w = (int)o.w, li->out_h = (int)o.h, li->out_c = (int)o.c;
	li->outputs = o.outputs;
	li->nweights = o.nweights;
	k->nlayers++;
	/* parse_network_cfg feeds each layer the previous one's output. */
	k->w = o.w, k->h = o.h, k->c = o.c, k->inputs = o.outputs;
	return 0;
}

/* A detector ends in its head (make_network_boxes reads the last layer's
 * classes); a classifier, ignoring a trailing [cost], in one vector per
 * image. */
static int net_output(struct chk *k, struct cfg_info *info)
{
	int last = k->nlayers - 1;
	const struct cfg_layer_info *l = &k->layers[last];

	if (k->heads > 0) {
		if (strcmp(l->type, "yolo") != 0 && strcmp(l->type, "region") != 0)
			return fail(k, l->line, "the last layer is [%s]; a "
			    "detector's must be its [yolo] or [region] head "
			    "(Darknet reads the classes of its detections there)",
			    l->type);
		info->detector = 1;
		info->classes = (int)k->head_classes;
		return 0;
	}
	if (strcmp(l->type, "cost") == 0)
		last--;
	if (last < 0)
		return fail(k, 0, "no layer before [cost]");
	l = &k->layers[last];
	info->classes = (int)l->outputs;
	if (strcmp(l->type, "softmax") == 0 || ((strcmp(l->type,
	    "connected") == 0 || strcmp(l->type, "avgpool") == 0) &&
	    l->out_w == 1 && l->out_h == 1))
		return 0;
	return fail(k, 0, "output is %d×%d×%d, not a classifier vector (the "
	    "last layer is [%s]; safer needs [softmax], [connected] or "
	    "[avgpool] there, or a [yolo] or [region] detection head)",
	    l->out_w, l->out_h, l->out_c, l->type);
}

/* Notes in line order (the reading order puts a line that does not parse
 * before its section's notes); stable, and there are few. */
static void notes_sort(struct chk *k)
{
	for (int i = 1; i < k->nnotes; i++) {
		struct cfg_note t = k->notes[i];
		int j = i;
		for (; j > 0 && k->notes[j - 1].line > t.line; j--)
			k->notes[j] = k->notes[j - 1];
		k->notes[j] = t;
	}
}

/* What a file that is no text at all holds, by its first bytes, or NULL
 * when it may be a cfg: an image given as -c gets "not a Darknet cfg (a
 * JPEG image)", not "NUL byte". */
static const char *binary_kind(const char *text, size_t len)
{
	const char *magic = file_magic_kind(text, len);
	if (magic)
		return magic;
	/* else: a NUL on the first line, or many other control bytes (not tab,
	 * newline, CR, form feed) among the first 4 KiB, which text never holds;
	 * a NUL further down a text is the lexer's to name by its line */
	size_t n = len < 4096 ? len : 4096, ctrl = 0;
	int first_line = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == 0 && first_line)
			return "binary data";
		first_line &= ch != '\n';
		ctrl += (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' && ch != '\f') || ch == 0x7f;
	}
	/* a few stray control bytes are the lexer's to name, as Darknet reads them */
	return ctrl >= 16 && ctrl * 10 > n ? "binary data" : NULL;
}

static int cfg_check(struct chk *k, const char *text, size_t len,
    struct cfg_info *info)
{
	const char *binary;

	struct sec *net;

	if (len == 0)
		return fail(k, 0, "empty file");
	if (len > CFGCHECK_MAX_FILE)
		return fail(k, 0, "cfg text too large (%zu bytes, limit %u)",
		    len, CFGCHECK_MAX_FILE);
	if ((binary = binary_kind(text, len)) != NULL)
		return fail(k, 0, "not a Darknet cfg (%s)", binary);
	if (cfg_lex(k, text, len) != 0)
		return -1;
	if (k->nsecs == 0)
		return fail(k, 0, "no sections (a cfg starts with [net])");
	net = &k->secs[0];
	if (strcmp(net->type, "[net]") != 0 &&
	    strcmp(net->type, "[network]") != 0)
		return fail(k, net->line, "first section is %s, expected "
		    "[net] or [network]", show(net->type).s);
	if (k->nsecs == 1)
		return fail(k, 0, "no layers after [net]");
	if (net_parse(k, net, info) != 0)
		return -1;
	k->layers = xcalloc(k->nsecs - 1, sizeof *k->layers);
	for (size_t i = 1; i < k->nsecs; i++)
		if (layer_check(k, &k->secs[i]) != 0)
			return -1;
	if (net_output(k, info) != 0)
		return -1;
	info->nlayers = k->nlayers;
	info->total_weights = k->total_weights;
	info->est_bytes = 4.0 * k->floats + k->workspace;
	info->est_fixed = 4.0 * k->fixed_floats + k->workspace;
	info->est_image = 4.0 * k->image_floats + k->fast_ws;
	notes_sort(k);
	info->ignored = k->ignored;
	info->warnings = k->warnings;
	return 0;
}

int cfgcheck_text_at(const char *name, const char *text, size_t len,
    int batch, struct cfg_info *out, char **cause)
{
	struct chk k = { 0 };
	struct cfg_info info = { 0 };
	int r;

	k.at_batch = batch;
	k.name = name != NULL ? name : "(cfg)";
	k.cause = cause;
	if (out != NULL)
		memset(out, 0, sizeof *out);
	r = cfg_check(&k, text, len, &info);
	free(k.buf);
	free(k.opts);
	free(k.secs);
	info.layers = k.layers;
	info.notes = k.notes;
	info.nnotes = k.nnotes;
	if (r != 0 || out == NULL) {
		cfg_info_free(&info);
		return r;
	}
	*out = info;
	return 0;
}

int cfgcheck_text(const char *name, const char *text, size_t len,
    struct cfg_info *out, char **cause)
{
	return cfgcheck_text_at(name, text, len, 0, out, cause);
}

int cfgcheck_file_at(const char *path, int batch, struct cfg_info *out,
    char **cause)
{
	size_t len;
	char *text;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	text = file_read_all(path, CFGCHECK_MAX_FILE, &len, cause);
	if (text == NULL)
		return -1;
	if (len == 0) {
		free(text);
		*cause = xasprintf("%s: empty file", path);
		return -1;
	}
	r = cfgcheck_text_at(path, text, len, batch, out, cause);
	free(text);
	return r;
}

int cfgcheck_file(const char *path, struct cfg_info *out, char **cause)
{
	return cfgcheck_file_at(path, 0, out, cause);
}

double cfg_info_est_bytes(const struct cfg_info *info, int batch)
{
	return info->est_fixed + (double)(batch > 0 ? batch : 1) * info->est_image;
}

void cfg_info_free(struct cfg_info *info)
{
	if (info == NULL)
		return;
	free(info->layers);
	for (int i = 0; i < info->nnotes; i++)
		free(info->notes[i].msg);
	free(info->notes);
	memset(info, 0, sizeof *info);
}

/* ---- cfgcheck_with_batch ---- */

struct sbuf {
	char *p;
	size_t n, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->cap - b->n < n + 1) {
		while (b->cap - b->n < n + 1)
			b->cap = b->cap ? 2 * b->cap : 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Compares a line, blanks removed as Darknet's strip does, with s; with
 * prefix set, s need only begin the stripped line. */
static int stripped_is(const char *line, size_t n, const char *s, int prefix)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == ' ' || line[i] == '\t')
			continue;
		if (s[j] == '\0')
			return prefix;
		if (line[i] != s[j])
			return 0;
		j++;
	}
	return s[j] == '\0';
}

static char first_char(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return line[i];
	return '\0';
}

/* Is the line a setting of key, "key=..." or a bare "key" (which Darknet
 * reads as key without value: it shadows any later key=)? */
static int net_key(const char *line, size_t n, const char *key)
{
	char eq[32];

	snprintf(eq, sizeof eq, "%s=", key);
	return stripped_is(line, n, eq, 1) || stripped_is(line, n, key, 0);
}

/* Next line [*a, *a+*n) of text from *pos; *nl says it ended in '\n'. */
static int line_next(const char *text, size_t len, size_t *pos,
    const char **a, size_t *n, int *nl)
{
	const char *e;

	if (*pos >= len)
		return 0;
	*a = text + *pos;
	e = memchr(*a, '\n', len - *pos);
	*n = e != NULL ? (size_t)(e - *a) : len - *pos;
	*nl = e != NULL;
	*pos += *n + (e != NULL);
	return 1;
}

/* Which of batch= (1) and subdivisions= (2) the [net] section has; -1 when
 * the first section is not [net]. */
static int net_keys(const char *text, size_t len)
{
	const char *a;
	size_t n, pos = 0;
	int nl, state = 0, have = 0;

	while (line_next(text, len, &pos, &a, &n, &nl)) {
		if (first_char(a, n) == '[') {
			if (state != 0)
				break;
			if (!stripped_is(a, n, "[net]", 0) &&
			    !stripped_is(a, n, "[network]", 0))
				return -1;
			state = 1;
		} else if (state == 1) {
			if (net_key(a, n, "batch"))
				have |= 1;
			if (net_key(a, n, "subdivisions"))
				have |= 2;
		}
	}
	return state == 0 ? -1 : have;
}

char *cfgcheck_with_batch(const char *text, size_t len, int batch)
{
	struct sbuf b = { 0 };
	const char *a;
	size_t n, pos = 0;
	int nl, state = 0, have;	/* state: 0 before [net], 1 in it, 2 after */
	char bl[32];

	if (batch < 1 || text == NULL || (have = net_keys(text, len)) < 0)
		return NULL;
	snprintf(bl, sizeof bl, "batch=%d", batch);
	while (line_next(text, len, &pos, &a, &n, &nl)) {
		int head = first_char(a, n) == '[';
		if (head && state < 2)
			state++;
		if (state == 1 && !head && net_key(a, n, "batch"))
			sb_add(&b, bl, strlen(bl));
		else if (state == 1 && !head && net_key(a, n, "subdivisions"))
			sb_add(&b, "subdivisions=1", 14);
		else
			sb_add(&b, a, n);
		if (nl || (head && state == 1 && have != 3))
			sb_add(&b, "\n", 1);
		if (head && state == 1) {
			if (!(have & 1)) {
				sb_add(&b, bl, strlen(bl));
				sb_add(&b, "\n", 1);
			}
			if (!(have & 2))
				sb_add(&b, "subdivisions=1\n", 15);
		}
	}
	return b.p;
}

/* The key that holds a layer's width, by its section header; NULL when the
 * kind has none. */
static const char *width_key(const char *line, size_t n)
{
	if (stripped_is(line, n, "[convolutional]", 0) || stripped_is(line, n, "[conv]", 0))
		return "filters";
	if (stripped_is(line, n, "[connected]", 0) || stripped_is(line, n, "[conn]", 0))
		return "output";
	return NULL;
}

char *cfgcheck_with_widths(const char *text, size_t len, const int *width, int n)
{
	struct sbuf b = { 0 };
	const char *a, *key = NULL;
	size_t ln, pos = 0;
	int nl, layer = -2, done = 0, wanted = 0;	/* layer -1: [net] */
	char set[48];

	for (int i = 0; i < n; i++)
		wanted += width[i] > 0;
	sb_add(&b, "", 0);
	while (line_next(text, len, &pos, &a, &ln, &nl)) {
		int head = first_char(a, ln) == '[';
		if (head) {
			layer++;
			key = NULL;
			if (layer >= 0 && layer < n && width[layer] > 0) {
				if ((key = width_key(a, ln)) == NULL) {
					free(b.p);
					return NULL;
				}
				snprintf(set, sizeof set, "%s=%d", key, width[layer]);
			}
			sb_add(&b, a, ln);
			sb_add(&b, "\n", 1);
			if (key != NULL) {
				/* the first setting wins in Darknet's option_find: a
				 * line right after the header shadows any later one */
				sb_add(&b, set, strlen(set));
				sb_add(&b, "\n", 1);
				done++;
			}
			continue;
		}
		if (key != NULL && net_key(a, ln, key))
			continue;	/* replaced by the line after the header */
		sb_add(&b, a, ln);
		if (nl)
			sb_add(&b, "\n", 1);
	}
	if (done != wanted) {
		free(b.p);
		return NULL;
	}
	return b.p;
}
