/* cfgcheck.c - see cfgcheck.h.
 *
 * "Darknet" below means pjreddie's darknet as Debian ships it (git 2018-09-14):
 * src/parser.c (read_cfg, parse_network_cfg, parse_*), src/option_list.c
 * (read_option, option_find) and src/utils.c (strip, fgetl).  Every rule here
 * mirrors one of them or closes a hole in them; sizes are computed in 64-bit
 * and saturate, so nothing here overflows whatever the input. */
#include "formats/cfgcheck.h"
#include "core/util.h"

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
			"softmax, shortcut, route, batchnorm, cost"

enum kind { K_CONV, K_CONN, K_MAX, K_AVG, K_DROP, K_SOFT, K_SHORT, K_ROUTE,
	K_BN, K_COST };

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
};

/* The rest of Darknet's string_to_layer_type: known, but not handled here. */
static const char *const unsupported[] = {
	"[crop]", "[detection]", "[region]", "[yolo]", "[iseg]", "[local]",
	"[deconv]", "[deconvolutional]", "[activation]", "[logistic]",
	"[l2norm]", "[crnn]", "[gru]", "[lstm]", "[rnn]", "[reorg]", "[lrn]",
	"[normalization]", "[upsample]", NULL
};

/* get_activation: anything else silently becomes relu in Darknet. */
static const char *const activations[] = {
	"logistic", "loggy", "relu", "elu", "selu", "relie", "plse", "hardtan",
	"lhtan", "linear", "ramp", "leaky", "tanh", "stair", NULL
};

static const char *const policies[] = {
	"random", "poly", "constant", "step", "exp", "sigmoid", "steps", NULL
};

/* Numeric keys Darknet reads with atoi/atof that need no further rule. */
static const char *const net_ints[] = {
	"notruth", "random", "max_crop", "min_crop", "center", "burn_in",
	"step", "max_batches", NULL
};
static const char *const net_floats[] = {
	"learning_rate", "momentum", "decay", "B1", "B2", "eps", "max_ratio",
	"min_ratio", "clip", "angle", "aspect", "saturation", "exposure", "hue",
	"power", "scale", "gamma", NULL
};
static const char *const layer_ints[] = {
	"truth", "onlyforward", "stopbackward", "binary", "xnor", "flipped",
	"noloss", NULL
};
static const char *const layer_floats[] = {
	"learning_rate", "smooth", "dot", "temperature", "spatial", "alpha",
	"beta", "scale", "ratio", "noobj", "thresh", NULL
};
/* These change which floats a .weights file holds for the layer. */
static const char *const layout_keys[] = {
	"dontsave", "dontload", "numload", "dontloadscales", NULL
};

struct opt {
	const char *key;
	const char *val;
	int line;
};

struct sec {
	const char *type;	/* stripped header line, brackets included */
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
};

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

/* Suffix marking quoted text cut at SHOW bytes. */
static const char *ell(const char *s)
{
	return strlen(s) > SHOW ? "..." : "";
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

/* ---- reading: Darknet's read_cfg ---- */

static int sec_add(struct chk *k, const char *type, int line)
{
	if (k->nsecs > MAX_LAYERS)
		return fail(k, line, "more than %d layers", MAX_LAYERS);
	if (k->nsecs == k->capsecs) {
		k->capsecs = k->capsecs ? 2 * k->capsecs : 64;
		k->secs = xreallocarray(k->secs, k->capsecs, sizeof *k->secs);
	}
	k->secs[k->nsecs++] = (struct sec){ type, line, k->nopts, 0 };
	return 0;
}

static int opt_add(struct chk *k, char *s, int line)
{
	char *eq = strchr(s, '=');

	/* Darknet only warns about these and carries on with a half option. */
	if (eq == NULL)
		return fail(k, line, "expected key=value, got \"%.*s%s\"",
		    SHOW, s, ell(s));
	/* Darknet dereferences the NULL current section here. */
	if (k->nsecs == 0)
		return fail(k, line, "option %.*s%s before the first section",
		    SHOW, s, ell(s));
	if (eq == s)
		return fail(k, line, "option \"%.*s%s\" has no key",
		    SHOW, s, ell(s));
	*eq = '\0';
	if (eq[1] == '\0')
		return fail(k, line, "option %.*s%s has no value",
		    SHOW, s, ell(s));
	if (k->nopts == k->capopts) {
		k->capopts = k->capopts ? 2 * k->capopts : 256;
		k->opts = xreallocarray(k->opts, k->capopts, sizeof *k->opts);
	}
	k->opts[k->nopts++] = (struct opt){ s, eq + 1, line };
	k->secs[k->nsecs - 1].n++;
	return 0;
}

static int line_add(struct chk *k, char *s, int line)
{
	if (s[0] == '\0' || s[0] == '#' || s[0] == ';')
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;
		/* strip() removes only ' ', '\t' and '\n': "[net]\r" is unknown. */
		if (ch == '\r')
			return fail(k, line, "carriage return (DOS line ending); "
			    "Darknet does not strip it, convert the file to "
			    "Unix line endings");
		if (ch < 0x20 || ch == 0x7f)
			return fail(k, line, "control character 0x%02x", ch);
	}
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

/* ---- options: Darknet's option_find_* without atoi's silence ---- */

/* The first occurrence wins, as in option_find. */
static const struct opt *opt_find(const struct chk *k, const struct sec *s,
    const char *key)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct opt *o = &k->opts[s->first + i];
		if (strcmp(o->key, key) == 0)
			return o;
	}
	return NULL;
}

static int opt_line(const struct chk *k, const struct sec *s, const char *key)
{
	const struct opt *o = opt_find(k, s, key);
	return o != NULL ? o->line : s->line;
}

/* Parses a decimal integer at *pp ending at ',' or '\0'; saturates. */
static int num_int(const char **pp, long long *x)
{
	const char *p = *pp, *d = p;
	char *end;

	if (*d == '+' || *d == '-')
		d++;
	if (*d < '0' || *d > '9')
		return -1;
	*x = strtoll(p, &end, 10);
	if (*end != '\0' && *end != ',')
		return -1;
	*pp = end;
	return 0;
}

static int num_float(const char **pp, double *x)
{
	const char *p = *pp;
	char *end;

	if (*p == '\0' || *p == ',')
		return -1;
	*x = strtod(p, &end);
	if (end == p || (*end != '\0' && *end != ',') || !isfinite(*x))
		return -1;
	*pp = end;
	return 0;
}

/* Integer option with default and range; the message names the key. */
static int opt_int(struct chk *k, const struct sec *s, const char *key,
    long long def, long long lo, long long hi, long long *out)
{
	const struct opt *o = opt_find(k, s, key);
	const char *p;
	long long x;

	*out = def;
	if (o == NULL)
		return 0;
	p = o->val;
	if (num_int(&p, &x) != 0 || *p != '\0')
		return fail(k, o->line, "%s %s=%.*s%s is not an integer",
		    s->type, key, SHOW, o->val, ell(o->val));
	if (x < lo)
		return fail(k, o->line, "%s %s=%.*s%s must be at least %lld",
		    s->type, key, SHOW, o->val, ell(o->val), lo);
	if (x > hi)
		return fail(k, o->line, "%s %s=%.*s%s is too large (limit %lld)",
		    s->type, key, SHOW, o->val, ell(o->val), hi);
	*out = x;
	return 0;
}

static int opt_float(struct chk *k, const struct sec *s, const char *key,
    double def, double *out)
{
	const struct opt *o = opt_find(k, s, key);
	const char *p;

	*out = def;
	if (o == NULL)
		return 0;
	p = o->val;
	if (num_float(&p, out) != 0 || *p != '\0')
		return fail(k, o->line, "%s %s=%.*s%s is not a finite number",
		    s->type, key, SHOW, o->val, ell(o->val));
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

static int opts_numeric(struct chk *k, const struct sec *s,
    const char *const *ints, const char *const *floats)
{
	long long x;
	double f;

	for (; *ints != NULL; ints++)
		if (opt_int(k, s, *ints, 0, INT_MIN, INT_MAX, &x) != 0)
			return -1;
	for (; *floats != NULL; floats++)
		if (opt_float(k, s, *floats, 0, &f) != 0)
			return -1;
	return 0;
}

static int opt_activation(struct chk *k, const struct sec *s)
{
	const struct opt *o = opt_find(k, s, "activation");

	if (o == NULL || in_list(activations, o->val))
		return 0;
	return fail(k, o->line, "%s activation=%.*s%s is unknown "
	    "(Darknet would silently use relu)", s->type, SHOW, o->val,
	    ell(o->val));
}

/* ---- [net]: parse_net_options ---- */

/* policy=steps: Darknet walks scales by the commas of steps, off the end. */
static int net_steps(struct chk *k, const struct sec *s)
{
	const struct opt *st = opt_find(k, s, "steps");
	const struct opt *sc = opt_find(k, s, "scales");
	const char *p, *q;
	long long x;
	double f;

	if (st == NULL || sc == NULL)
		return fail(k, s->line, "[net] policy=steps needs steps= and "
		    "scales=");
	for (p = st->val, q = sc->val;; p++, q++) {
		if (num_int(&p, &x) != 0)
			return fail(k, st->line, "[net] steps= must be a comma "
			    "list of integers");
		if (num_float(&q, &f) != 0)
			return fail(k, sc->line, "[net] scales= must be a comma "
			    "list of numbers, one per step");
		if (*p == '\0' || *q == '\0')
			break;
	}
	if (*p != '\0' || *q != '\0')
		return fail(k, sc->line, "[net] steps= and scales= have "
		    "different lengths");
	return 0;
}

static int net_policy(struct chk *k, const struct sec *s)
{
	const struct opt *o = opt_find(k, s, "policy");

	if (o == NULL)
		return 0;
	if (!in_list(policies, o->val))
		return fail(k, o->line, "[net] policy=%.*s%s is unknown (Darknet "
		    "knows random, poly, constant, step, exp, sigmoid, steps)",
		    SHOW, o->val, ell(o->val));
	if (strcmp(o->val, "steps") == 0)
		return net_steps(k, s);
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
	/* net->batch /= subdivs: an empty mini-batch allocates nothing. */
	if (batch < sub)
		return fail(k, opt_line(k, s, "subdivisions"), "[net] batch=%lld "
		    "is smaller than subdivisions=%lld", batch, sub);
	k->batch = batch / sub * steps;
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

	if (opt_int(k, s, "height", 0, 1, MAX_DIM, &h) != 0 ||
	    opt_int(k, s, "width", 0, 1, MAX_DIM, &w) != 0 ||
	    opt_int(k, s, "channels", 0, 1, MAX_DIM, &c) != 0 ||
	    opt_int(k, s, "inputs", 0, 1, MAX_ELEMS, &inputs) != 0)
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
	/* parse_network_cfg: net->input and net->truth */
	k->floats += 2.0 * (double)inputs * (double)k->batch;
	k->image_floats += 2.0 * (double)inputs;
	return 0;
}

static int net_parse(struct chk *k, const struct sec *s,
    struct cfg_info *info)
{
	int adam;

	if (net_batch(k, s, info) != 0 || net_input(k, s, info) != 0 ||
	    opt_flag(k, s, "adam", &adam) != 0 || net_policy(k, s) != 0 ||
	    opts_numeric(k, s, net_ints, net_floats) != 0)
		return -1;
	k->adam = adam;
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
	if (opt_float(k, s, "probability", .5, &p) != 0)
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
	long long groups;

	if (opt_find(k, s, "tree") != NULL)
		return fail(k, opt_line(k, s, "tree"), "%s tree= (hierarchical "
		    "softmax) is not supported", s->type);
	if (opt_int(k, s, "groups", 1, 1, MAX_DIM, &groups) != 0)
		return -1;
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

static int layer_cost(struct chk *k, const struct sec *s, struct out *o)
{
	if ((size_t)k->nlayers + 2 != k->nsecs)
		return fail(k, s->line, "[cost] must be the last layer");
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
	long long v, idx, w1, h1, w2 = k->w, h2 = k->h;

	/* Darknet: atoi(option_find(options, "from")), NULL included. */
	if (from == NULL)
		return fail(k, s->line, "[shortcut] needs from=");
	if (opt_int(k, s, "from", 0, INT_MIN, INT_MAX, &v) != 0 ||
	    layer_ref(k, from->line, "[shortcut] from", v, &idx) != 0 ||
	    opt_activation(k, s) != 0)
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
	const char *p;
	long long v, idx;

	/* Darknet calls strlen on the missing value before checking it. */
	if (l == NULL)
		return fail(k, s->line, "[route] needs layers=");
	for (p = l->val;; p++) {
		if (num_int(&p, &v) != 0)
			return fail(k, l->line, "[route] layers=%.*s%s must be "
			    "a comma list of integers", SHOW, l->val,
			    ell(l->val));
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
		if (*p == '\0')
			break;
	}
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
	return opts_numeric(k, s, layer_ints, layer_floats);
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

static int layer_kind(struct chk *k, const struct sec *s, size_t *which)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kinds[i].section, s->type) == 0) {
			*which = i;
			return 0;
		}
	}
	if (strcmp(s->type, "[net]") == 0 || strcmp(s->type, "[network]") == 0)
		return fail(k, s->line, "%s may only be the first section",
		    s->type);
	if (in_list(unsupported, s->type))
		return fail(k, s->line, "layer kind %s is not supported "
		    "(safer handles " SUPPORTED ")", s->type);
	return fail(k, s->line, "layer kind %.*s%s is unknown (safer handles "
	    SUPPORTED ")", SHOW, s->type, ell(s->type));
}

/* backward_network hands layer 0 the network's delta, which is NULL; these
 * backward functions write to it unchecked (conv and connected check). */
static int layer_first(struct chk *k, const struct sec *s, enum kind kd)
{
	if (k->nlayers != 0 || kd == K_CONV || kd == K_CONN || kd == K_DROP ||
	    kd == K_SHORT || kd == K_ROUTE)	/* these get a better message */
		return 0;
	return fail(k, s->line, "%s cannot be the first layer (Darknet's "
	    "backward pass would write to the missing input gradient)",
	    s->type);
}

static int layer_check(struct chk *k, const struct sec *s)
{
	struct cfg_layer_info *li = &k->layers[k->nlayers];
	struct out o = { 0 };
	size_t which = 0;

	if (layer_kind(k, s, &which) != 0 ||
	    layer_first(k, s, kinds[which].kind) != 0 ||
	    layer_common(k, s) != 0 ||
	    layer_parse(k, s, kinds[which].kind, &o) != 0 ||
	    layer_account(k, s, &o) != 0)
		return -1;
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

/* Ignoring a trailing [cost], the output must be one vector per image. */
static int net_classifier(struct chk *k)
{
	int last = k->nlayers - 1;
	const struct cfg_layer_info *l;

	if (strcmp(k->layers[last].type, "cost") == 0)
		last--;
	if (last < 0)
		return fail(k, 0, "no layer before [cost]");
	l = &k->layers[last];
	if (strcmp(l->type, "softmax") == 0 || ((strcmp(l->type,
	    "connected") == 0 || strcmp(l->type, "avgpool") == 0) &&
	    l->out_w == 1 && l->out_h == 1))
		return 0;
	return fail(k, 0, "output is %d×%d×%d, not a classifier vector (the "
	    "last layer is [%s]; safer needs [softmax], [connected] or "
	    "[avgpool] there)", l->out_w, l->out_h, l->out_c, l->type);
}

static int cfg_check(struct chk *k, const char *text, size_t len,
    struct cfg_info *info)
{
	const struct sec *net;

	if (len == 0)
		return fail(k, 0, "empty file");
	if (len > CFGCHECK_MAX_FILE)
		return fail(k, 0, "cfg text too large (%zu bytes, limit %u)",
		    len, CFGCHECK_MAX_FILE);
	if (cfg_lex(k, text, len) != 0)
		return -1;
	if (k->nsecs == 0)
		return fail(k, 0, "no sections (a cfg starts with [net])");
	net = &k->secs[0];
	if (strcmp(net->type, "[net]") != 0 &&
	    strcmp(net->type, "[network]") != 0)
		return fail(k, net->line, "first section is %.*s%s, expected "
		    "[net] or [network]", SHOW, net->type, ell(net->type));
	if (k->nsecs == 1)
		return fail(k, 0, "no layers after [net]");
	if (net_parse(k, net, info) != 0)
		return -1;
	k->layers = xcalloc(k->nsecs - 1, sizeof *k->layers);
	for (size_t i = 1; i < k->nsecs; i++)
		if (layer_check(k, &k->secs[i]) != 0)
			return -1;
	if (net_classifier(k) != 0)
		return -1;
	info->nlayers = k->nlayers;
	info->total_weights = k->total_weights;
	info->est_bytes = 4.0 * k->floats + k->workspace;
	info->est_fixed = 4.0 * k->fixed_floats + k->workspace;
	info->est_image = 4.0 * k->image_floats + k->fast_ws;
	return 0;
}

int cfgcheck_text(const char *name, const char *text, size_t len,
    struct cfg_info *out, char **cause)
{
	struct chk k = { 0 };
	struct cfg_info info = { 0 };
	int r;

	k.name = name != NULL ? name : "(cfg)";
	k.cause = cause;
	if (out != NULL)
		memset(out, 0, sizeof *out);
	r = cfg_check(&k, text, len, &info);
	free(k.buf);
	free(k.opts);
	free(k.secs);
	if (r != 0 || out == NULL) {
		free(k.layers);
		return r;
	}
	info.layers = k.layers;
	*out = info;
	return 0;
}

int cfgcheck_file(const char *path, struct cfg_info *out, char **cause)
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
	r = cfgcheck_text(path, text, len, out, cause);
	free(text);
	return r;
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
			if (stripped_is(a, n, "batch=", 1))
				have |= 1;
			if (stripped_is(a, n, "subdivisions=", 1))
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
		if (state == 1 && !head && stripped_is(a, n, "batch=", 1))
			sb_add(&b, bl, strlen(bl));
		else if (state == 1 && !head &&
		    stripped_is(a, n, "subdivisions=", 1))
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
