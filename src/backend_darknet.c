/* backend_darknet.c - the only file that includes darknet.h.  See backend.h. */
#include "backend.h"
#include "cfgcheck.h"
#include "util.h"
#include "weights_check.h"

#include <darknet.h>
#include <cblas.h>

#include <errno.h>
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

struct backend_net {
	network *dn;
	char *cfg_path;		/* as given by the user, for messages */
	char *cfg_text;		/* the cfg rewritten with our batch, for clones */
	struct model model;
	size_t weights_bytes;
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
	if (got == 'K' && WIFEXITED(status) && WEXITSTATUS(status) == 0)
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
		free_network(bn->dn);
	}
	free(bn->own);
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

/* Same arithmetic as forward_convolutional_layer, with OpenBLAS for the product
 * and without the copy into l.x that only training reads. */
static void forward_conv_blas(layer l, network net)
{
	int m = l.n / l.groups, k = l.size * l.size * l.c / l.groups, n = l.out_w * l.out_h;
	for (int i = 0; i < l.batch; i++)
		for (int j = 0; j < l.groups; j++) {
			float *a = l.weights + (size_t)j * l.nweights / l.groups;
			float *b = net.workspace;
			float *c = l.output + ((size_t)i * l.groups + j) * n * m;
			float *im = net.input + ((size_t)i * l.groups + j) * l.c / l.groups * l.h * l.w;
			if (l.size == 1)
				b = im;	/* Darknet skips im2col for every 1x1 kernel; so must we to match it */
			else
				im2col_cpu(im, l.c / l.groups, l.h, l.w, l.size, l.stride, l.pad, b);
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
		}
	if (l.batch_normalize) {
		normalize_cpu(l.output, l.rolling_mean, l.rolling_variance, l.batch, l.out_c, n);
		scale_bias(l.output, l.scales, l.batch, l.out_c, n);
	}
	add_bias(l.output, l.biases, l.batch, l.n, n);
	activate_array(l.output, l.outputs * l.batch, l.activation);
}

static void forward_connected_blas(layer l, network net)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, l.batch, l.outputs, l.inputs,
	    1.0f, net.input, l.inputs, l.weights, l.inputs, 0.0f, l.output, l.outputs);
	if (l.batch_normalize) {
		normalize_cpu(l.output, l.rolling_mean, l.rolling_variance, l.batch, l.outputs, 1);
		scale_bias(l.output, l.scales, l.batch, l.outputs, 1);
	}
	add_bias(l.output, l.biases, l.batch, l.outputs, 1);
	activate_array(l.output, l.outputs * l.batch, l.activation);
}

void backend_use_blas(struct backend_net *bn)
{
	for (int i = 0; i < bn->dn->n; i++) {
		layer *l = &bn->dn->layers[i];
		if (l->type == CONVOLUTIONAL && !l->xnor && !l->binary)
			l->forward = forward_conv_blas;
		else if (l->type == CONNECTED)
			l->forward = forward_connected_blas;
	}
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
	return net.input;
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
