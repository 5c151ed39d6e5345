/* backend_darknet.c - the only file that includes darknet.h.  See backend.h. */
#include "backend/backend.h"
#include "formats/cfgcheck.h"
#include "core/util.h"
#include "formats/weights_check.h"

#include <darknet.h>
#include <cblas.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exported by libdarknet but not declared in darknet.h. */
void im2col_cpu(float *data_im, int channels, int height, int width, int ksize, int stride, int pad, float *data_col);
void add_bias(float *output, float *biases, int batch, int n, int size);
void scale_bias(float *output, float *scales, int batch, int n, int size);
void activate_array(float *x, const int n, const ACTIVATION a);
void shortcut_cpu(int batch, int w1, int h1, int c1, float *add, int w2, int h2, int c2, float s1, float s2, float *out);

struct backend_net {
	network *dn;
	char *cfg_path;		/* as given by the user, for messages */
	char *cfg_text;		/* the cfg rewritten with our batch, for clones */
	struct model model;
	size_t weights_bytes;
	float *blas_ws;		/* workspace of the fast kernels, when in use */
	/* A clone's own weight arrays, put back before free_network. */
	float **own;
	int is_clone;
};

/* ---- Darknet's chatter --------------------------------------------------- */

static int log_fd = -1;
static int log_verbose;

void backend_set_verbose(int verbose)
{
	log_verbose = verbose;
}

static void log_open(void)
{
	if (log_fd >= 0)
		return;
	char tmpl[] = "/tmp/safer-darknet-log-XXXXXX";
	log_fd = mkstemp(tmpl);
	if (log_fd >= 0)
		unlink(tmpl);	/* nameless: vanishes with the process */
}

struct quiet { int out, err; };

/* Points fds 1 and 2 at the log while Darknet runs (unless --verbose). */
static void quiet_begin(struct quiet *q)
{
	fflush(stdout);
	fflush(stderr);
	q->out = q->err = -1;
	log_open();
	if (log_verbose || log_fd < 0)
		return;
	q->out = dup(1);
	q->err = dup(2);
	dup2(log_fd, 1);
	dup2(log_fd, 2);
}

static void quiet_end(struct quiet *q)
{
	fflush(stdout);
	fflush(stderr);
	if (q->out >= 0) {
		dup2(q->out, 1);
		close(q->out);
	}
	if (q->err >= 0) {
		dup2(q->err, 2);
		close(q->err);
	}
}

const char *backend_log_tail(void)
{
	static char buf[2048];
	buf[0] = '\0';
	if (log_fd < 0)
		return buf;
	off_t end = lseek(log_fd, 0, SEEK_END);
	off_t start = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
	ssize_t n = pread(log_fd, buf, sizeof buf - 1, start);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* ---- parsing --------------------------------------------------------------- */

/* Darknet only parses from a path: write the batch-rewritten text to a private temporary file. */
static char *write_temp_cfg(const char *text, char **cause)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/safer-cfg-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		*cause = xasprintf("%s: cannot create temporary file: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w <= 0) {
			*cause = xasprintf("%s: write failed: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		off += (size_t)w;
	}
	close(fd);
	return path;
}

/* free_network and free_layer forget these; nothing else owns them. */
static void free_darknet(network *dn)
{
	for (int i = 0; i < dn->n; i++)
		if (dn->layers[i].type == SOFTMAX)
			free(dn->layers[i].loss);
	free(dn->seen);
	free(dn->t);
	free(dn->cost);
	free(dn->workspace);
	free_network(dn);
}

/* Darknet exit()s or aborts on cfgs it dislikes; let a child find out first. */
static int trial_parse(const char *tmp_path, const char *cfg_path, char **cause)
{
	int fds[2];
	if (pipe(fds) != 0) {
		*cause = xasprintf("%s: pipe: %s", cfg_path, strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		*cause = xasprintf("%s: fork: %s", cfg_path, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		log_open();
		if (log_fd >= 0) {
			dup2(log_fd, 1);
			dup2(log_fd, 2);
		}
		alarm(120);
		network *n = parse_network_cfg((char *)tmp_path);
		char ok = n ? 'K' : 'X';
		if (n)
			free_darknet(n);	/* tidy, so memory checkers following the fork see no leak */
		if (write(fds[1], &ok, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	char got = 0;
	ssize_t r;
	do
		r = read(fds[0], &got, 1);
	while (r < 0 && errno == EINTR);
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* the byte is the verdict: a memory checker may alter the child's exit status */
	if (got == 'K')
		return 0;
	if (WIFSIGNALED(status))
		*cause = xasprintf("%s: Darknet crashed parsing this cfg (signal %d)", cfg_path, WTERMSIG(status));
	else
		*cause = xasprintf("%s: Darknet refused this cfg (run with --verbose to see its message)", cfg_path);
	return -1;
}

static network *parse_quietly(const char *text, const char *cfg_path, int trial, char **cause)
{
	char *tmp = write_temp_cfg(text, cause);
	if (tmp == NULL)
		return NULL;
	network *dn = NULL;
	if (!trial || trial_parse(tmp, cfg_path, cause) == 0) {
		struct quiet q;
		quiet_begin(&q);
		dn = parse_network_cfg(tmp);
		quiet_end(&q);
		if (dn == NULL)
			*cause = xasprintf("%s: Darknet could not parse this cfg", cfg_path);
	}
	unlink(tmp);
	free(tmp);
	return dn;
}

/* ---- weights files ------------------------------------------------------- */

/* Floats Darknet's load_weights reads for one layer. */
static size_t layer_file_floats(const layer *l)
{
	switch (l->type) {
	case CONVOLUTIONAL:
		return (size_t)l->n * (l->batch_normalize ? 4 : 1) + (size_t)l->nweights;
	case CONNECTED:
		return (size_t)l->outputs * (l->batch_normalize ? 4 : 1) + (size_t)l->outputs * l->inputs;
	case BATCHNORM:
		return (size_t)l->c * 3;
	default:
		return 0;
	}
}

static size_t net_file_floats(const network *dn)
{
	size_t n = 0;
	for (int i = 0; i < dn->n; i++)
		n += layer_file_floats(&dn->layers[i]);
	return n;
}

/* ---- safer's view ---------------------------------------------------------- */

static const char *activation_name(ACTIVATION a)
{
	static const char *const names[] = {
		"logistic", "relu", "relie", "linear", "ramp", "tanh", "plse",
		"leaky", "elu", "loggy", "stair", "hardtan", "lhtan", "selu",
	};
	return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

static int kind_of(LAYER_TYPE t, enum layer_kind *k)
{
	switch (t) {
	case CONVOLUTIONAL: *k = LAYER_CONV; return 0;
	case CONNECTED: *k = LAYER_CONNECTED; return 0;
	case MAXPOOL: *k = LAYER_MAXPOOL; return 0;
	case AVGPOOL: *k = LAYER_AVGPOOL; return 0;
	case DROPOUT: *k = LAYER_DROPOUT; return 0;
	case SOFTMAX: *k = LAYER_SOFTMAX; return 0;
	case SHORTCUT: *k = LAYER_SHORTCUT; return 0;
	case ROUTE: *k = LAYER_ROUTE; return 0;
	case BATCHNORM: *k = LAYER_BATCHNORM; return 0;
	case COST: *k = LAYER_COST; return 0;
	default: return -1;
	}
}

static void describe_layer(layer *l, int i, struct layer_desc *d)
{
	memset(d, 0, sizeof *d);
	d->index = i;
	kind_of(l->type, &d->kind);
	d->kind_name = layer_kind_name(d->kind);
	d->in = (struct shape){ l->w, l->h, l->c };
	d->out = (struct shape){ l->out_w, l->out_h, l->out_c };
	if (d->in.w == 0 || d->in.h == 0 || d->in.c == 0)
		d->in = (struct shape){ 1, 1, l->inputs };
	if (d->out.w == 0 || d->out.h == 0 || d->out.c == 0)
		d->out = (struct shape){ 1, 1, l->outputs };
	d->from = -1;
	d->activation = "-";
	switch (l->type) {
	case CONVOLUTIONAL:
	case CONNECTED: {
		int conv = l->type == CONVOLUTIONAL;
		int filters = conv ? l->n : l->outputs;
		size_t nw = conv ? (size_t)l->nweights : (size_t)l->outputs * l->inputs;
		d->activation = activation_name(l->activation);
		d->size = conv ? l->size : 1;
		d->stride = conv ? l->stride : 1;
		d->groups = conv ? l->groups : 1;
		d->batch_normalize = l->batch_normalize;
		d->has_weights = 1;
		d->params = layer_file_floats(l);
		d->macs = conv ? (uint64_t)l->out_w * l->out_h * nw : nw;
		d->wt = (struct weight_tensor){
			.weights = l->weights, .nweights = nw, .filters = filters,
			.per_filter = nw / (size_t)filters, .biases = l->biases,
			.scales = l->batch_normalize ? l->scales : NULL,
			.rolling_mean = l->batch_normalize ? l->rolling_mean : NULL,
			.rolling_variance = l->batch_normalize ? l->rolling_variance : NULL,
		};
		break;
	}
	case SHORTCUT:
		d->activation = activation_name(l->activation);
		d->from = l->index;
		break;
	case MAXPOOL:
		d->size = l->size;
		d->stride = l->stride;
		break;
	case BATCHNORM:
		d->params = layer_file_floats(l);
		break;
	default:
		break;
	}
}

static int describe(struct backend_net *bn, char **cause)
{
	network *dn = bn->dn;
	struct model *m = &bn->model;
	m->n = dn->n;
	m->layers = xcalloc((size_t)dn->n, sizeof *m->layers);
	m->input = (struct shape){ dn->w, dn->h, dn->c };
	m->outputs = dn->outputs;
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		enum layer_kind k;
		if (kind_of(l->type, &k) != 0) {
			*cause = xasprintf("%s: layer %d: kind not supported by safer", bn->cfg_path, i);
			return -1;
		}
		describe_layer(l, i, &m->layers[i]);
		m->total_params += m->layers[i].params;
		m->total_macs += m->layers[i].macs;
	}
	m->weight_bytes = m->total_params * sizeof(float);
	return 0;
}

/* ---- load / free ----------------------------------------------------------- */

struct backend_net *backend_load(const char *cfg_path, const char *weights_path, int batch, char **cause)
{
	struct cfg_info info;
	if (cfgcheck_file(cfg_path, &info, cause) != 0)
		return NULL;
	cfg_info_free(&info);
	size_t len;
	char *text = file_read_all(cfg_path, 16u << 20, &len, cause);
	if (text == NULL)
		return NULL;
	struct backend_net *bn = xcalloc(1, sizeof *bn);
	bn->cfg_path = xstrdup(cfg_path);
	bn->cfg_text = cfgcheck_with_batch(text, len, batch);
	free(text);
	bn->dn = parse_quietly(bn->cfg_text, cfg_path, 1, cause);
	if (bn->dn == NULL)
		goto fail;
	if (describe(bn, cause) != 0)
		goto fail;
	if (weights_path != NULL) {
		if (weights_check_file(weights_path, net_file_floats(bn->dn), cfg_path, &bn->weights_bytes, cause) != 0)
			goto fail;
		struct quiet q;
		quiet_begin(&q);
		load_weights(bn->dn, (char *)weights_path);
		quiet_end(&q);
	}
	return bn;
fail:
	backend_free(bn);
	return NULL;
}

/* Darknet allocates weight-like arrays per layer; these are the ones a clone shares. */
#define SHARED_ARRAYS 5
static float **shared_slot(layer *l, int k)
{
	switch (k) {
	case 0: return &l->weights;
	case 1: return &l->biases;
	case 2: return &l->scales;
	case 3: return &l->rolling_mean;
	default: return &l->rolling_variance;
	}
}

struct backend_net *backend_clone_shared(const struct backend_net *owner, char **cause)
{
	struct backend_net *bn = xcalloc(1, sizeof *bn);
	bn->cfg_path = xstrdup(owner->cfg_path);
	bn->cfg_text = xstrdup(owner->cfg_text);
	bn->dn = parse_quietly(bn->cfg_text, bn->cfg_path, 0, cause);
	if (bn->dn == NULL) {
		backend_free(bn);
		return NULL;
	}
	bn->is_clone = 1;
	bn->own = xcalloc((size_t)bn->dn->n * SHARED_ARRAYS, sizeof *bn->own);
	for (int i = 0; i < bn->dn->n; i++)
		for (int k = 0; k < SHARED_ARRAYS; k++) {
			float **slot = shared_slot(&bn->dn->layers[i], k);
			bn->own[i * SHARED_ARRAYS + k] = *slot;
			*slot = *shared_slot(&owner->dn->layers[i], k);
		}
	if (describe(bn, cause) != 0) {
		backend_free(bn);
		return NULL;
	}
	bn->weights_bytes = owner->weights_bytes;
	return bn;
}

void backend_free(struct backend_net *bn)
{
	if (bn == NULL)
		return;
	if (bn->dn != NULL) {
		if (bn->own != NULL)
			for (int i = 0; i < bn->dn->n; i++)
				for (int k = 0; k < SHARED_ARRAYS; k++)
					*shared_slot(&bn->dn->layers[i], k) = bn->own[i * SHARED_ARRAYS + k];
		free_darknet(bn->dn);
	}
	free(bn->own);
	free(bn->blas_ws);
	free(bn->model.layers);
	free(bn->cfg_path);
	free(bn->cfg_text);
	free(bn);
}

int backend_batch(const struct backend_net *bn)
{
	return bn->dn->batch;
}

const struct model *backend_model(const struct backend_net *bn)
{
	return &bn->model;
}

size_t backend_weights_file_bytes(const struct backend_net *bn)
{
	return bn->weights_bytes;
}

/* ---- inference ------------------------------------------------------------ */

/* ---- fast inference kernels ----------------------------------------------------
 * Each computes what Darknet's own layer computes, float for float; only the
 * matrix product differs (OpenBLAS's summation order, within 1e-4, see the
 * tests).  What they drop is work only training reads (l.x copies, indexes). */

/* The element-wise kernels get an AVX2 clone picked at load time (ifunc), on
 * top of the baseline x86-64 build; no FMA, so results stay Darknet's bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* no-tree-loop-distribute-patterns: the kernels' zero fills are a few floats
 * long, and a memset call per row costs more than the stores */
#define KERNEL __attribute__((target_clones("avx2", "default"), \
    optimize("O3", "no-trapping-math", "no-tree-loop-distribute-patterns")))
#else
#define KERNEL
#endif

/* Darknet's activations, written so the compiler can vectorise the common
 * ones.  Note `.1*x` is a double product rounded to float, as in activations.h. */
KERNEL static void activate_fast(float *x, size_t n, ACTIVATION a)
{
	switch (a) {
	case LINEAR:
		return;
	case LEAKY:
		for (size_t i = 0; i < n; i++) {
			float v = x[i], t = (float)(.1 * (double)v);
			x[i] = v > 0 ? v : t;
		}
		return;
	case RELU:
		for (size_t i = 0; i < n; i++)
			x[i] = (float)(x[i] * (x[i] > 0));
		return;
	default:
		activate_array(x, (int)n, a);
	}
}

/* Batch norm at inference plus the bias, in one pass per channel.  The
 * arithmetic is Darknet's normalize_cpu, scale_bias and add_bias in that
 * order: (x - mean) in float, divided in double by sqrt(var) + .000001f. */
KERNEL static void bn_bias_row(float *dst, const float *src, size_t n, const layer *l, int f)
{
	float bias = l->biases[f];
	if (l->batch_normalize) {
		float mean = l->rolling_mean[f], scale = l->scales[f];
		double d = sqrt(l->rolling_variance[f]) + .000001f;
		for (size_t i = 0; i < n; i++) {
			float v = (float)((src[i] - mean) / d);
			v *= scale;
			dst[i] = v + bias;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i] + bias;
	}
}

static void bn_bias_rows(float *out, int batch, int channels, size_t spatial, const layer *l)
{
	for (int b = 0; b < batch; b++)
		for (int f = 0; f < channels; f++) {
			float *x = out + ((size_t)b * channels + f) * spatial;
			bn_bias_row(x, x, spatial, l, f);
		}
}

/* The end of a convolution for one output row of filter f: batch norm, bias
 * and activation in one pass while the row is in cache, reading the product
 * (src) and writing the layer's output (dst; may be src). */
static void conv_epilogue_row(float *dst, const float *src, size_t n, const layer *l, int f)
{
	bn_bias_row(dst, src, n, l, f);
	activate_fast(dst, n, l->activation);
}

/* im2col for one image into columns [k][col0 .. col0+n) of a [K][ld] matrix. */
KERNEL static void im2col_into(const float *im, int channels, int height, int width, int ksize, int stride,
    int pad, int out_h, int out_w, float *cols, size_t ld, size_t col0)
{
	if (stride == 1 && out_w == width && out_h == height) {
		/* "same" padding: each (c, kh, kw) plane is the image shifted by a
		 * constant offset; one copy per plane, then zero what fell outside */
		size_t n = (size_t)width * height;
		for (int c = 0; c < channels; c++)
			for (int kh = 0; kh < ksize; kh++)
				for (int kw = 0; kw < ksize; kw++) {
					float *dst = cols + ((size_t)(c * ksize + kh) * ksize + kw) * ld + col0;
					const float *src = im + (size_t)c * n;
					long off = (long)(kh - pad) * width + (kw - pad);
					long p0 = off < 0 ? -off : 0, p1 = off > 0 ? (long)n - off : (long)n;
					for (long p = 0; p < p0; p++)
						dst[p] = 0.0f;
					for (long p = p0; p < p1; p++)
						dst[p] = src[p + off];
					for (long p = p1; p < (long)n; p++)
						dst[p] = 0.0f;
					/* columns whose source wrapped into a neighbouring row */
					int dx = kw - pad;
					if (dx != 0)
						for (int y = 0; y < height; y++) {
							float *d = dst + (size_t)y * width;
							if (dx < 0)
								for (int x = 0; x < -dx; x++)
									d[x] = 0.0f;
							else
								for (int x = width - dx; x < width; x++)
									d[x] = 0.0f;
						}
				}
		return;
	}
	for (int kw = 0; kw < ksize; kw++) {
		/* output columns whose input column lies inside the image: [x0, x1) */
		int x0 = 0, x1 = out_w;
		while (x0 < out_w && x0 * stride + kw - pad < 0)
			x0++;
		while (x1 > x0 && (x1 - 1) * stride + kw - pad >= width)
			x1--;
		for (int c = 0; c < channels; c++)
			for (int kh = 0; kh < ksize; kh++) {
				float *dst = cols + ((size_t)(c * ksize + kh) * ksize + kw) * ld + col0;
				const float *src = im + (size_t)c * height * width;
				for (int y = 0; y < out_h; y++) {
					int iy = y * stride + kh - pad;
					float *d = dst + (size_t)y * out_w;
					if (iy < 0 || iy >= height) {
						memset(d, 0, (size_t)out_w * sizeof *d);
						continue;
					}
					const float *row = src + (size_t)iy * width + kw - pad;
					for (int x = 0; x < x0; x++)
						d[x] = 0.0f;
					if (stride == 1)
						memcpy(d + x0, row + x0, (size_t)(x1 - x0) * sizeof *d);
					else
						for (int x = x0; x < x1; x++)
							d[x] = row[x * stride];
					for (int x = x1; x < out_w; x++)
						d[x] = 0.0f;
				}
			}
	}
}

/* The network's workspace is the engine's (see backend_use_blas): the whole
 * batch is unrolled into one [K][batch*N] matrix so OpenBLAS gets one large
 * product per group instead of one small product per image. */
static void forward_conv_blas(layer l, network net)
{
	int groups = l.groups, m = l.n / groups, cg = l.c / groups;
	int k = l.size * l.size * cg;
	size_t n = (size_t)l.out_w * l.out_h;
	/* images per product: enough columns for OpenBLAS to run well, few
	 * enough that the unrolled matrix stays in cache (~1 MiB) */
	int chunk = (int)((256u * 1024u) / ((size_t)k * n + 1));
	if (chunk < 1)
		chunk = 1;
	if (chunk > l.batch)
		chunk = l.batch;
	float *cols = net.workspace;
	float *prod = cols + (size_t)k * n * chunk;
	for (int j = 0; j < groups; j++)
		for (int i0 = 0; i0 < l.batch; i0 += chunk) {
			int cnt = l.batch - i0 < chunk ? l.batch - i0 : chunk;
			size_t bn = n * (size_t)cnt;
			for (int i = 0; i < cnt; i++) {
				const float *im = net.input + ((size_t)(i0 + i) * l.c + (size_t)j * cg) * l.h * l.w;
				if (l.size == 1) {
					/* Darknet feeds 1x1 kernels the raw input, whatever the stride
					 * (reading rows n floats apart): match it */
					for (int c = 0; c < cg; c++)
						memcpy(cols + (size_t)c * bn + (size_t)i * n, im + (size_t)c * n, n * sizeof(float));
				} else {
					im2col_into(im, cg, l.h, l.w, l.size, l.stride, l.pad, l.out_h, l.out_w, cols, bn,
					    (size_t)i * n);
				}
			}
			const float *a = l.weights + (size_t)j * l.nweights / groups;
			/* one image: write straight into the output, no scatter */
			float *dst = cnt == 1 ? l.output + ((size_t)i0 * l.n + (size_t)j * m) * n : prod;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, (int)bn, k, 1.0f, a, k, cols, (int)bn,
			    0.0f, dst, (int)bn);
			/* the product's rows are [filter][image][pixel]: scatter them to
			 * Darknet's [image][filter][pixel] while normalising */
			for (int i = 0; i < cnt; i++)
				for (int f = 0; f < m; f++)
					conv_epilogue_row(l.output + ((size_t)(i0 + i) * l.n + (size_t)j * m + f) * n,
					    dst + (size_t)f * bn + (size_t)i * n, n, &l, j * m + f);
		}
}

/* forward_shortcut_layer for the common case of equal shapes, vectorised;
 * other shapes go through Darknet's shortcut_cpu as before. */
KERNEL static void forward_shortcut_fast(layer l, network net)
{
	const layer *from = &net.layers[l.index];
	size_t total = (size_t)l.outputs * l.batch;
	if (from->out_w == l.out_w && from->out_h == l.out_h && from->out_c == l.out_c) {
		const float *in = net.input, *add = from->output;
		float a = l.alpha, b = l.beta;
		for (size_t i = 0; i < total; i++)
			l.output[i] = a * in[i] + b * add[i];
	} else {
		memcpy(l.output, net.input, total * sizeof(float));
		shortcut_cpu(l.batch, l.w, l.h, l.c, from->output, l.out_w, l.out_h, l.out_c, l.alpha, l.beta, l.output);
	}
	activate_fast(l.output, total, l.activation);
}

/* Floats of engine workspace forward_conv_blas needs for a layer. */
static size_t conv_workspace(const layer *l)
{
	size_t n = (size_t)l->out_w * l->out_h * (size_t)l->batch;
	size_t k = (size_t)l->size * l->size * (l->c / l->groups);
	return k * n + (size_t)(l->n / l->groups) * n;	/* covers every chunk size */
}

static void forward_connected_blas(layer l, network net)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l.batch, l.outputs, l.inputs,
	    1.0f, net.input, l.inputs, l.weights, l.inputs, 0.0f, l.output, l.outputs);
	bn_bias_rows(l.output, l.batch, l.outputs, 1, &l);
	activate_fast(l.output, (size_t)l.outputs * l.batch, l.activation);
}

/* A standalone [batchnorm] at inference.  Darknet's own forward copies into
 * l.x, which make_batchnorm_layer never allocates, so it cannot run at all
 * on the CPU; this computes what it means: normalize with the running
 * statistics, scale, shift (the shift stays 0: the weights file has none). */
static void forward_batchnorm_fast(layer l, network net)
{
	memcpy(l.output, net.input, (size_t)l.outputs * l.batch * sizeof(float));
	l.batch_normalize = 1;
	bn_bias_rows(l.output, l.batch, l.out_c, (size_t)l.out_h * l.out_w, &l);
}

/* forward_maxpool_layer without the argmax indexes only backward reads. */
KERNEL static void forward_maxpool_fast(layer l, network net)
{
	int off = -l.pad / 2;
	if (l.size == 2 && l.stride == 2 && off == 0 && l.out_w * 2 == l.w && l.out_h * 2 == l.h) {
		/* the common 2x2/2 pool: no window leaves the image; same
		 * comparisons in the same order as the general loop below */
		for (size_t p = 0; p < (size_t)l.batch * l.c; p++) {
			const float *in = net.input + p * l.h * l.w;
			float *out = l.output + p * l.out_h * l.out_w;
			for (int i = 0; i < l.out_h; i++) {
				const float *r0 = in + (size_t)2 * i * l.w, *r1 = r0 + l.w;
				for (int j = 0; j < l.out_w; j++) {
					float mx = -FLT_MAX;
					mx = r0[2 * j] > mx ? r0[2 * j] : mx;
					mx = r0[2 * j + 1] > mx ? r0[2 * j + 1] : mx;
					mx = r1[2 * j] > mx ? r1[2 * j] : mx;
					mx = r1[2 * j + 1] > mx ? r1[2 * j + 1] : mx;
					out[(size_t)i * l.out_w + j] = mx;
				}
			}
		}
		return;
	}
	for (int b = 0; b < l.batch; b++)
		for (int k = 0; k < l.c; k++) {
			const float *in = net.input + ((size_t)b * l.c + k) * l.h * l.w;
			float *out = l.output + ((size_t)b * l.c + k) * l.out_h * l.out_w;
			for (int i = 0; i < l.out_h; i++)
				for (int j = 0; j < l.out_w; j++) {
					float mx = -FLT_MAX;
					for (int y = 0; y < l.size; y++) {
						int cy = off + i * l.stride + y;
						if (cy < 0 || cy >= l.h)
							continue;
						for (int x = 0; x < l.size; x++) {
							int cx = off + j * l.stride + x;
							if (cx >= 0 && cx < l.w && in[cy * l.w + cx] > mx)
								mx = in[cy * l.w + cx];
						}
					}
					out[i * l.out_w + j] = mx;
				}
		}
}

void backend_use_blas(struct backend_net *bn)
{
	size_t ws = 0;
	for (int i = 0; i < bn->dn->n; i++) {
		layer *l = &bn->dn->layers[i];
		if (l->type == CONVOLUTIONAL && !l->xnor && !l->binary) {
			l->forward = forward_conv_blas;
			if (conv_workspace(l) > ws)
				ws = conv_workspace(l);
		} else if (l->type == CONNECTED) {
			l->forward = forward_connected_blas;
		} else if (l->type == MAXPOOL) {
			l->forward = forward_maxpool_fast;
		} else if (l->type == BATCHNORM) {
			l->forward = forward_batchnorm_fast;
		} else if (l->type == SHORTCUT) {
			l->forward = forward_shortcut_fast;
		}
	}
	free(bn->blas_ws);
	bn->blas_ws = xcalloc(ws ? ws : 1, sizeof(float));
}

const float *backend_predict_stock(struct backend_net *bn, const float *input)
{
	return network_predict(bn->dn, (float *)input);
}

size_t backend_layer_size(const struct backend_net *bn, int layer_index)
{
	if (layer_index < 0)
		return (size_t)bn->dn->inputs;
	return (size_t)bn->dn->layers[layer_index].outputs;
}

float *backend_layer_output(struct backend_net *bn, int layer_index)
{
	if (layer_index < 0)
		return bn->dn->input;
	return bn->dn->layers[layer_index].output;
}

const float *backend_forward_from(struct backend_net *bn, int from, const float *in,
    backend_layer_hook hook, void *hook_ctx)
{
	network net = *bn->dn;
	net.train = 0;
	net.truth = NULL;
	net.delta = NULL;
	net.input = (float *)in;
	if (bn->blas_ws != NULL)
		net.workspace = bn->blas_ws;
	for (int i = from; i < net.n; i++) {
		layer l = net.layers[i];
		net.index = i;
		/* At inference a dropout layer is the identity and its output buffer is
		 * its input layer's: keep reading from where we are. */
		if (l.type == DROPOUT)
			continue;
		l.forward(l, net);
		if (hook != NULL)
			hook(i, l.output, (size_t)l.outputs * l.batch, hook_ctx);
		net.input = l.output;
	}
	/* Darknet's output is its last layer that is not [cost] */
	return bn->dn->output;
}

int backend_needed_before(const struct backend_net *bn, int from, int *out, int max)
{
	int count = 0;
	const network *dn = bn->dn;
	for (int i = from; i < dn->n; i++) {
		const layer *l = &dn->layers[i];
		int refs[64], nrefs = 0;
		if (l->type == SHORTCUT)
			refs[nrefs++] = l->index;
		else if (l->type == ROUTE)
			for (int j = 0; j < l->n && nrefs < 64; j++)
				refs[nrefs++] = l->input_layers[j];
		for (int r = 0; r < nrefs; r++) {
			int ref = refs[r], seen = 0;
			if (ref >= from)
				continue;
			for (int k = 0; k < count; k++)
				seen |= out[k] == ref;
			if (!seen && count < max)
				out[count++] = ref;
		}
	}
	return count;
}

/* ---- writing weights -------------------------------------------------------- */

static int put(FILE *f, const void *p, size_t size, size_t n)
{
	return fwrite(p, size, n, f) == n ? 0 : -1;
}

int backend_write_weights(const struct backend_net *bn, FILE *f, char **cause)
{
	const network *dn = bn->dn;
	int32_t hdr[3] = { 0, 2, 0 };
	uint64_t seen = dn->seen ? (uint64_t)*dn->seen : 0;
	int bad = put(f, hdr, sizeof hdr[0], 3) || put(f, &seen, sizeof seen, 1);
	for (int i = 0; i < dn->n && !bad; i++) {
		const layer *l = &dn->layers[i];
		if (l->type == CONVOLUTIONAL) {
			bad |= put(f, l->biases, sizeof(float), (size_t)l->n);
			if (l->batch_normalize) {
				bad |= put(f, l->scales, sizeof(float), (size_t)l->n);
				bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->n);
				bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->n);
			}
			bad |= put(f, l->weights, sizeof(float), (size_t)l->nweights);
		} else if (l->type == CONNECTED) {
			bad |= put(f, l->biases, sizeof(float), (size_t)l->outputs);
			bad |= put(f, l->weights, sizeof(float), (size_t)l->outputs * l->inputs);
			if (l->batch_normalize) {
				bad |= put(f, l->scales, sizeof(float), (size_t)l->outputs);
				bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->outputs);
				bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->outputs);
			}
		} else if (l->type == BATCHNORM) {
			bad |= put(f, l->scales, sizeof(float), (size_t)l->c);
			bad |= put(f, l->rolling_mean, sizeof(float), (size_t)l->c);
			bad |= put(f, l->rolling_variance, sizeof(float), (size_t)l->c);
		}
	}
	if (bad) {
		*cause = xasprintf("write failed: %s", strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}

/* ---- images ----------------------------------------------------------------- */

void backend_resize_crop(const float *chw, int w, int h, int net_w, int net_h, float *out)
{
	image im = make_image(w, h, 3);
	memcpy(im.data, chw, (size_t)w * h * 3 * sizeof(float));
	image resized = resize_min(im, net_w);
	image crop = crop_image(resized, (resized.w - net_w) / 2, (resized.h - net_h) / 2, net_w, net_h);
	memcpy(out, crop.data, (size_t)net_w * net_h * 3 * sizeof(float));
	if (resized.data != im.data)
		free_image(resized);
	free_image(im);
	free_image(crop);
}

/* ---- gradients ------------------------------------------------------------------ */

static int backend_layer_has_weights(const layer *l)
{
	return l->type == CONVOLUTIONAL || l->type == CONNECTED;
}

static size_t weights_of(const layer *l)
{
	return l->type == CONVOLUTIONAL ? (size_t)l->nweights : (size_t)l->outputs * l->inputs;
}

int backend_gradients(struct backend_net *bn, const float *x, const int *labels, int n,
    float **grads, double *loss, char **cause)
{
	network *dn = bn->dn;
	int b = dn->batch, classes = dn->outputs;
	size_t in = (size_t)dn->inputs;
	if (dn->truths < classes || dn->truth == NULL) {
		*cause = xasprintf("%s: network has no truth buffer for gradients", bn->cfg_path);
		return -1;
	}
	for (int i = 0; i < dn->n; i++)
		if (dn->layers[i].type == BATCHNORM) {
			/* Darknet's CPU code cannot run a standalone batch norm layer */
			*cause = xasprintf("%s: layer %d: gradients through a standalone [batchnorm] are not supported",
			    bn->cfg_path, i);
			return -1;
		}
	if (n <= 0 || n % b != 0) {
		/* batch norm in training mode sees whole batches: no padding rows */
		*cause = xasprintf("%s: %d images is not a multiple of the batch (%d)", bn->cfg_path, n, b);
		return -1;
	}
	/* training mode moves the running statistics and samples dropout masks:
	 * save the former, switch off the latter */
	float **saved = xcalloc((size_t)dn->n * 2, sizeof *saved);
	float *prob = xcalloc((size_t)dn->n, sizeof *prob);
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		if (l->batch_normalize && l->rolling_mean) {
			size_t c = (size_t)(l->type == CONNECTED ? l->outputs : l->out_c);
			saved[2 * i] = xmalloc(c * sizeof(float));
			saved[2 * i + 1] = xmalloc(c * sizeof(float));
			memcpy(saved[2 * i], l->rolling_mean, c * sizeof(float));
			memcpy(saved[2 * i + 1], l->rolling_variance, c * sizeof(float));
		}
		if (l->type == DROPOUT) {
			prob[i] = l->probability;
			l->probability = 0;
			l->scale = 1;
		}
		if (backend_layer_has_weights(l) && grads[i])
			memset(grads[i], 0, weights_of(l) * sizeof(float));
	}
	double total = 0;
	struct quiet q;
	quiet_begin(&q);
	for (int start = 0; start + b <= n; start += b) {
		memset(dn->truth, 0, (size_t)b * dn->truths * sizeof(float));
		memcpy(dn->input, x + (size_t)start * in, (size_t)b * in * sizeof(float));
		for (int i = 0; i < b; i++)
			if (labels[start + i] >= 0 && labels[start + i] < classes)
				dn->truth[(size_t)i * dn->truths + labels[start + i]] = 1;
		for (int i = 0; i < dn->n; i++) {
			layer *l = &dn->layers[i];
			if (backend_layer_has_weights(l))
				memset(l->weight_updates, 0, weights_of(l) * sizeof(float));
		}
		dn->train = 1;
		forward_network(dn);
		backward_network(dn);
		dn->train = 0;
		if (dn->cost)
			total += *dn->cost;
		for (int i = 0; i < dn->n; i++) {
			layer *l = &dn->layers[i];
			if (!backend_layer_has_weights(l) || grads[i] == NULL)
				continue;
			/* Darknet accumulates -dL/dw (its deltas are truth - output) */
			size_t nw = weights_of(l);
			for (size_t k = 0; k < nw; k++)
				grads[i][k] -= l->weight_updates[k];
		}
	}
	quiet_end(&q);
	for (int i = 0; i < dn->n; i++) {
		layer *l = &dn->layers[i];
		if (saved[2 * i]) {
			size_t c = (size_t)(l->type == CONNECTED ? l->outputs : l->out_c);
			memcpy(l->rolling_mean, saved[2 * i], c * sizeof(float));
			memcpy(l->rolling_variance, saved[2 * i + 1], c * sizeof(float));
			free(saved[2 * i]);
			free(saved[2 * i + 1]);
		}
		if (l->type == DROPOUT) {
			l->probability = prob[i];
			l->scale = 1.f / (1.f - prob[i]);
		}
	}
	free(saved);
	free(prob);
	*loss = total;
	return 0;
}
