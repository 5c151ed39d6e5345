/* test_cfgcheck.c - cmocka tests for cfgcheck: Darknet's own sample cfgs,
 * the bundled cfgs (found through $SRCDIR) and crafted malformed text.
 *
 * The expected weight counts and layer shapes below were produced by
 * libdarknet itself (parse_network_cfg, then per layer: conv
 * n + 3n·bn + nweights, connected outputs + outputs·inputs + 3·outputs·bn,
 * batchnorm 3c), so they pin cfgcheck to Darknet's arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/cfgcheck.h"
#include "formats/cfgfork.h"
#include "core/util.h"

#define DARKNET_CFG	"/usr/share/darknet/cfg"
#define NET		"[net]\nbatch=2\nheight=28\nwidth=28\nchannels=1\n"
#define SUPPORTED	"(safer handles convolutional, connected, maxpool, " \
			"avgpool, dropout, softmax, shortcut, route, " \
			"batchnorm, cost, crop, yolo, region, upsample, reorg)"

static const char *srcdir(void)
{
	const char *s = getenv("SRCDIR");
	return s != NULL && *s != '\0' ? s : ".";
}

static char *read_text(const char *path, size_t *len)
{
	char *cause = NULL;
	char *text = file_read_all(path, CFGCHECK_MAX_FILE, len, &cause);
	if (text == NULL) {
		print_error("%s\n", cause);
		free(cause);
	}
	return text;
}

static int have_darknet_cfgs(void)
{
	return access(DARKNET_CFG "/resnet18.cfg", R_OK) == 0;
}

/* Checks text that must pass; the caller frees info. */
static void pass_text(const char *text, size_t len, struct cfg_info *info)
{
	char *cause = NULL;
	if (cfgcheck_text("t.cfg", text, len, info, &cause) != 0) {
		print_error("unexpected failure: %s\n", cause);
		free(cause);
		fail();
	}
	assert_non_null(info->layers);
	assert_true(info->nlayers > 0);
}

/* Checks that text fails with a message containing want. */
static void fail_len(const char *text, size_t len, const char *want)
{
	struct cfg_info info;
	char *cause = NULL;

	if (cfgcheck_text("t.cfg", text, len, &info, &cause) == 0) {
		print_error("accepted, expected \"%s\"\n", want);
		cfg_info_free(&info);
		fail();
	}
	assert_non_null(cause);
	assert_null(info.layers);
	assert_int_equal(info.nlayers, 0);
	assert_int_equal(strncmp(cause, "t.cfg:", 6), 0);
	assert_null(strchr(cause, '\n'));
	if (strstr(cause, want) == NULL) {
		print_error("got \"%s\"\nwant \"%s\"\n", cause, want);
		free(cause);
		fail();
	}
	free(cause);
}

static void fail_text(const char *text, const char *want)
{
	fail_len(text, strlen(text), want);
}

/* The notes of kind that contain want. */
static int notes_with(const struct cfg_info *info, enum cfg_note_kind kind,
    const char *want)
{
	int n = 0;

	for (int i = 0; i < info->nnotes; i++)
		n += info->notes[i].kind == kind &&
		    strstr(info->notes[i].msg, want) != NULL;
	return n;
}

/* text passes with exactly one note of kind containing want. */
static void pass_note(const char *text, enum cfg_note_kind kind,
    const char *want)
{
	struct cfg_info info;

	pass_text(text, strlen(text), &info);
	if (notes_with(&info, kind, want) != 1) {
		print_error("want one %s note \"%s\", got %d notes:\n",
		    kind == CFG_NOTE_WARNING ? "warning" : "ignored", want,
		    info.nnotes);
		for (int i = 0; i < info.nnotes; i++)
			print_error("  %s\n", info.notes[i].msg);
		fail();
	}
	cfg_info_free(&info);
}

/* ---- Darknet's sample cfgs ---- */

static const struct {
	const char *file;
	long long weights;	/* as counted by libdarknet */
	int nlayers;
	int raw_ok;		/* passes at the batch written in the file */
} classifiers[] = {
	{ "alexnet.cfg", 62378344, 14, 1 },
	{ "cifar.cfg", 7687050, 17, 1 },
	{ "cifar.test.cfg", 7687050, 17, 1 },
	{ "darknet.cfg", 7323480, 16, 1 },
	{ "darknet19.cfg", 20856776, 26, 1 },
	{ "darknet19_448.cfg", 20856776, 26, 0 },	/* batch 32 at 448² */
	{ "darknet53.cfg", 41645640, 78, 1 },
	{ "darknet53_448.cfg", 41645640, 78, 1 },
	{ "densenet201.cfg", 17206440, 305, 1 },
	{ "extraction.cfg", 23455400, 27, 1 },
	{ "extraction.conv.cfg", 23428136, 27, 1 },
	{ "extraction22k.cfg", 97605650, 27, 0 },
	{ "resnet18.cfg", 11523496, 29, 1 },
	{ "resnet34.cfg", 21639080, 53, 1 },
	{ "resnet50.cfg", 22825896, 69, 1 },
	{ "resnet101.cfg", 41870248, 138, 1 },
	{ "resnet152.cfg", 57559976, 205, 1 },
	{ "resnext50.cfg", 22312872, 69, 1 },
	{ "resnext101-32x4d.cfg", 41639208, 137, 1 },
	{ "resnext152-32x4d.cfg", 56730920, 205, 1 },
	{ "tiny.cfg", 1046488, 22, 1 },
	{ "vgg-16.cfg", 138357544, 25, 1 },	/* [crop] first */
};

static void check_classifier(size_t i)
{
	char path[256], *text, *b1, *cause = NULL;
	struct cfg_info info;
	size_t len;
	int r;

	snprintf(path, sizeof path, "%s/%s", DARKNET_CFG, classifiers[i].file);
	text = read_text(path, &len);
	assert_non_null(text);
	r = cfgcheck_text(path, text, len, &info, &cause);
	if (classifiers[i].raw_ok) {
		assert_int_equal(r, 0);
		assert_true(info.total_weights == classifiers[i].weights);
		cfg_info_free(&info);
	} else {
		assert_int_equal(r, -1);
		assert_non_null(strstr(cause, "estimated memory"));
		free(cause);
	}
	/* As the engine uses it: batch rewritten to 1. */
	b1 = cfgcheck_with_batch(text, len, 1);
	assert_non_null(b1);
	pass_text(b1, strlen(b1), &info);
	if (info.total_weights != classifiers[i].weights)
		print_error("%s: %lld weights, Darknet %lld\n", path,
		    info.total_weights, classifiers[i].weights);
	assert_true(info.total_weights == classifiers[i].weights);
	assert_int_equal(info.nlayers, classifiers[i].nlayers);
	assert_int_equal(info.batch, 1);
	assert_int_equal(info.subdivisions, 1);
	cfg_info_free(&info);
	free(b1);
	free(text);
}

static void test_darknet_classifiers(void **state)
{
	(void)state;
	if (!have_darknet_cfgs())
		skip();
	for (size_t i = 0; i < sizeof classifiers / sizeof classifiers[0]; i++)
		check_classifier(i);
}

static const struct {
	const char *file;
	const char *want;
} refused[] = {
	{ "yolo9000.cfg", ":217: [region] tree= (a class tree, hierarchical "
	    "softmax read from another file) is not supported" },
	{ "yolov1.cfg", ":233: layer kind [local] is not supported" },
	{ "yolov1-tiny.cfg", ": layer kind [detection] is not supported" },
	{ "rnn.cfg", ":14: layer kind [rnn] is not supported" },
	{ "gru.cfg", ":15: layer kind [gru] is not supported" },
	{ "darknet9000.cfg", ":201: [softmax] tree= (hierarchical softmax) "
	    "is not supported" },
	{ "vgg-conv.cfg", "vgg-conv.cfg: output is 7×7×512, not a classifier "
	    "vector" },
	{ "writing.cfg", "writing.cfg: output is 256×256×1, not a classifier "
	    "vector" },
	{ "jnet-conv.cfg", "jnet-conv.cfg: output is 1×1×1024, not a "
	    "classifier vector" },
};

static void test_darknet_refused(void **state)
{
	(void)state;
	if (!have_darknet_cfgs())
		skip();
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char path[256], *cause = NULL;
		struct cfg_info info;

		snprintf(path, sizeof path, "%s/%s", DARKNET_CFG,
		    refused[i].file);
		assert_int_equal(cfgcheck_file(path, &info, &cause), -1);
		assert_null(info.layers);
		if (strncmp(cause, path, strlen(path)) != 0 ||
		    strstr(cause, refused[i].want) == NULL) {
			print_error("got \"%s\"\nwant \"%s\"\n", cause,
			    refused[i].want);
			fail();
		}
		free(cause);
	}
}

/* ---- bundled cfgs ---- */

static const struct {
	int line;
	const char *type;
	int w, h, c;
	long long outputs, nweights;
} plain_layers[] = {	/* libdarknet's view of cfg/fmnist-plain.cfg */
	{ 17, "convolutional", 28, 28, 16, 12544, 208 },
	{ 25, "maxpool", 14, 14, 16, 3136, 0 },
	{ 29, "convolutional", 14, 14, 32, 6272, 4736 },
	{ 37, "maxpool", 7, 7, 32, 1568, 0 },
	{ 41, "convolutional", 7, 7, 64, 3136, 18688 },
	{ 49, "convolutional", 7, 7, 32, 1568, 2176 },
	{ 57, "connected", 1, 1, 128, 128, 200832 },
	{ 61, "dropout", 1, 1, 128, 128, 0 },
	{ 64, "connected", 1, 1, 10, 10, 1290 },
	{ 68, "softmax", 0, 0, 0, 10, 0 },
};

static void bundled(const char *file, struct cfg_info *info)
{
	char path[1024], *cause = NULL;

	snprintf(path, sizeof path, "%s/cfg/%s", srcdir(), file);
	if (cfgcheck_file(path, info, &cause) != 0) {
		print_error("%s\n", cause);
		free(cause);
		fail();
	}
	assert_int_equal(info->w, 28);
	assert_int_equal(info->h, 28);
	assert_int_equal(info->c, 1);
	assert_int_equal(info->batch, 100);
	assert_int_equal(info->subdivisions, 1);
	assert_true(info->est_bytes > 0 && info->est_bytes < 1e9);
}

static void test_bundled_plain(void **state)
{
	struct cfg_info info;
	size_t n = sizeof plain_layers / sizeof plain_layers[0];

	(void)state;
	bundled("fmnist-plain.cfg", &info);
	assert_true(info.total_weights == 227930);
	assert_int_equal(info.nlayers, (int)n);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_layer_info *l = &info.layers[i];
		assert_int_equal(l->line, plain_layers[i].line);
		assert_string_equal(l->type, plain_layers[i].type);
		assert_int_equal(l->kind_supported, 1);
		assert_int_equal(l->out_w, plain_layers[i].w);
		assert_int_equal(l->out_h, plain_layers[i].h);
		assert_int_equal(l->out_c, plain_layers[i].c);
		assert_true(l->outputs == plain_layers[i].outputs);
		assert_true(l->nweights == plain_layers[i].nweights);
	}
	cfg_info_free(&info);
	assert_null(info.layers);
	cfg_info_free(&info);	/* twice is harmless */
}

static void test_bundled_resnet(void **state)
{
	struct cfg_info info;

	(void)state;
	bundled("fmnist-resnet.cfg", &info);
	assert_true(info.total_weights == 121946);
	assert_int_equal(info.nlayers, 17);
	assert_string_equal(info.layers[3].type, "shortcut");
	assert_int_equal(info.layers[3].out_w, 28);
	assert_string_equal(info.layers[14].type, "avgpool");
	assert_int_equal(info.layers[14].out_c, 64);
	cfg_info_free(&info);
}

/* ---- crafted text that must be refused ---- */

static void test_refuse_structure(void **state)
{
	(void)state;
	fail_text("", "t.cfg: empty file");
	/* read_cfg would dereference the missing section */
	fail_text("hello world\n", "t.cfg:1: option helloworld before the "
	    "first section");
	fail_text("\x01\x02garbage\n", "t.cfg:1: option ??garbage before");
	fail_text("\xff\xfe\xfd", "t.cfg:1: option \xff\xfe\xfd before");
	fail_text("batch=1\n[net]\n", "t.cfg:1: option batch=1 before the "
	    "first section");
	fail_text("# just a comment\n\n;\n", "t.cfg: no sections");
	fail_text("[convolutional]\nfilters=1\n", "t.cfg:1: first section is "
	    "[convolutional], expected [net] or [network]");
	fail_text("[net]#comment\nheight=1\n", "t.cfg:1: first section is "
	    "[net]#comment");
	fail_text(NET, "t.cfg: no layers after [net]");
	fail_text(NET "[foo]\n", "t.cfg:6: layer kind [foo] is unknown "
	    SUPPORTED);
	fail_text(NET "[local]\n", "t.cfg:6: layer kind [local] is not "
	    "supported " SUPPORTED);
	fail_text(NET "[lstm]\n", "t.cfg:6: layer kind [lstm] is not "
	    "supported");
	fail_text(NET "[net]\n", "t.cfg:6: [net] may only be the first "
	    "section");
	fail_text(NET "[sam]\n", "t.cfg:6: layer kind [sam] is AlexeyAB's "
	    "Darknet's; this Darknet does not know it");
	fail_text(NET "[conv]#x\n", "t.cfg:6: layer kind [conv]#x is unknown");
	fail_text("[net]\r\nbatch=1\r\n", "t.cfg:1: carriage return");
	fail_text("\r\n[net]\n", "t.cfg:1: carriage return");
	fail_len(NET "[conv\0olutional]\n", sizeof NET + 16, "t.cfg:6: NUL "
	    "byte");
	/* no text at all: said as such, not as its first odd byte */
	fail_len("\xff\xd8\xff\xe0\0\x10JFIF", 10, "t.cfg: not a Darknet cfg (a JPEG image)");
	fail_len("\x89PNG\r\n\x1a\n", 8, "t.cfg: not a Darknet cfg (a PNG image)");
	fail_len("\0\0\0\0\x02\0\0\0", 8, "t.cfg: not a Darknet cfg (binary data)");
	fail_text("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16",
	    "t.cfg: not a Darknet cfg (binary data)");
	fail_text(NET "[connected]\noutput=10\n[softmax]\n[cost]\n[cost]\n",
	    "t.cfg:9: [cost] must be the last layer");
	fail_text(NET "[cost]\n", "t.cfg:6: [cost] cannot be the first layer");
	/* Their backward writes to layer 0's (NULL) input gradient. */
	fail_text(NET "[maxpool]\n[soft]\n", "t.cfg:6: [maxpool] cannot be "
	    "the first layer (Darknet's backward pass would write to the "
	    "missing input gradient)");
	fail_text(NET "[avg]\n[soft]\n", "t.cfg:6: [avg] cannot be the first");
	fail_text(NET "[soft]\n", "t.cfg:6: [soft] cannot be the first");
	fail_text(NET "[batchnorm]\n[avg]\n", "t.cfg:6: [batchnorm] cannot be "
	    "the first");
	fail_text(NET "[dropout]\n[connected]\noutput=2\n", "t.cfg:6: "
	    "[dropout] cannot be the first layer");
}

static void test_refuse_net(void **state)
{
	(void)state;
	fail_text("[net]\nbatch=1\n[connected]\noutput=2\n", "t.cfg:1: [net] "
	    "gives no input size");
	fail_text("[net]\nheight=28\nwidth=28\n[connected]\noutput=2\n",
	    "t.cfg:1: [net] needs all of height, width and channels");
	fail_text("[net]\nbatch=2\nsubdivisions=4\nheight=2\nwidth=2\n"
	    "channels=1\n[avgpool]\n", "t.cfg:3: [net] batch=2 is smaller "
	    "than subdivisions=4");
	fail_text("[net]\nheight=0\nwidth=2\nchannels=1\n[avgpool]\n",
	    "t.cfg:1: [net] needs all of height, width and channels");
	fail_text("[net]\nheight=-2\nwidth=2\nchannels=1\n[avgpool]\n",
	    "t.cfg:2: [net] height=-2 must be at least 0");
	fail_text("[net]\nheight=2\nwidth=2000000\nchannels=1\n[avgpool]\n",
	    "t.cfg:3: [net] width=2000000 is too large (limit 1048576)");
	/* strtol saturates, atoi's cast to int makes that -1 */
	fail_text("[net]\nbatch=99999999999999999999999\ninputs=1\n[soft]\n",
	    "t.cfg:2: [net] batch=99999999999999999999999 (Darknet reads -1) "
	    "must be at least 1");
	fail_text("[net]\nbatch=2147483648\ninputs=1\n[soft]\n", "t.cfg:2: "
	    "[net] batch=2147483648 (Darknet reads -2147483648) must be");
	fail_text("[net]\nheight=2\nwidth=2\nchannels=1\ninputs=5\n[avg]\n",
	    "t.cfg:5: [net] inputs=5 disagrees with width × height × "
	    "channels = 4");
	fail_text("[net]\nheight=1048576\nwidth=1048576\nchannels=1\n[avg]\n",
	    "t.cfg:1: [net] input 1048576×1048576×1 is too large");
	/* scales= walked past its end */
	fail_text("[net]\ninputs=4\npolicy=steps\nsteps=10,20\nscales=.1\n"
	    "[conn]\n", "t.cfg:5: [net] scales= has fewer values (1) than "
	    "steps= (2)");
	fail_text("[net]\ninputs=4\npolicy=steps\n[conn]\n", "t.cfg:1: [net] "
	    "policy=steps needs steps= and scales=");
	fail_text("[net]\ninputs=4\npolicy=steps\nsteps\nscales=1\n[conn]\n",
	    "t.cfg:1: [net] policy=steps needs steps= and scales=");
}

static void test_refuse_sizes(void **state)
{
	(void)state;
	fail_text(NET "[convolutional]\nfilters=0\n", "t.cfg:7: "
	    "[convolutional] filters=0 must be at least 1");
	fail_text(NET "[convolutional]\nfilters=-3\n", "t.cfg:7: "
	    "[convolutional] filters=-3 must be at least 1");
	fail_text(NET "[conv]\nfilters=1\nsize=0\n", "t.cfg:8: [conv] size=0 "
	    "must be at least 1");
	fail_text(NET "[conv]\nsize=-1\n", "t.cfg:7: [conv] size=-1 must be "
	    "at least 1");
	fail_text(NET "[conv]\nstride=0\n", "t.cfg:7: [conv] stride=0 must be "
	    "at least 1");
	fail_text(NET "[conv]\n[maxpool]\nstride=-2\n", "t.cfg:8: [maxpool] "
	    "stride=-2 must be at least 1");
	fail_text(NET "[conv]\n[maxpool]\nsize=2\npadding=-1\n", "t.cfg:9: "
	    "[maxpool] padding=-1 must be at least 0");
	fail_text(NET "[connected]\noutput=0\n", "t.cfg:7: [connected] "
	    "output=0 must be at least 1");
	fail_text(NET "[conv]\n[softmax]\ngroups=0\n", "t.cfg:8: [softmax] "
	    "groups=0 must be at least 1");
	fail_text(NET "[conv]\nsize=40\n", "t.cfg:7: [conv] size=40 is larger "
	    "than its padded 28×28 input");
}

static void test_refuse_huge_filters(void **state)
{
	double t0 = now_seconds();

	(void)state;
	/* Darknet would try to calloc 9·10^9 floats (in int: overflowed). */
	fail_text(NET "[convolutional]\nfilters=1000000000\nsize=3\n",
	    "t.cfg:7: [convolutional] filters=1000000000 is too large "
	    "(limit 1048576)");
	assert_true(now_seconds() - t0 < 0.5);
}

static void test_refuse_counts(void **state)
{
	(void)state;
	/* Every dimension is allowed; their products are not. */
	fail_text(NET "[connected]\noutput=1000000\n", "t.cfg:7: [connected] "
	    "output × inputs weights: 784000000, more than Darknet can hold (limit "
	    "536870911)");
	fail_text(NET "[conv]\nfilters=65536\nsize=128\npad=1\n", "t.cfg:7: "
	    "[conv] filters × channels/groups × size × size weights: "
	    "1073741824");
	fail_text("[net]\nbatch=100\nheight=28\nwidth=28\nchannels=1\n"
	    "[conv]\nfilters=65536\nsize=64\npad=1\n", "t.cfg:6: [conv] "
	    "layer outputs × batch: 5511577600, more than Darknet can hold");
	fail_text("[net]\nbatch=64\nheight=1024\nwidth=1024\nchannels=4\n"
	    "[conv]\nfilters=7\nsize=1\n[conv]\nfilters=7\nsize=1\n",
	    "t.cfg:9: [conv] brings the estimated memory at batch 64 to 9.0 "
	    "GiB (limit 8 GiB)");
}

static void test_refuse_values(void **state)
{
	(void)state;
	/* atoi: no leading integer is 0, then the limits apply */
	fail_text(NET "[convolutional]\nfilters=abc\n", "t.cfg:7: "
	    "[convolutional] filters=abc (Darknet reads 0) must be at least 1");
	fail_text(NET "[convolutional]\nsize=0x10\n", "size=0x10 (Darknet "
	    "reads 0) must be at least 1");
	fail_text(NET "[convolutional]\nfilters=-4#x\n", "filters=-4#x "
	    "(Darknet reads -4) must be at least 1");
	fail_text(NET "[dropout]\n", "t.cfg:6: [dropout] cannot be the first");
	fail_text(NET "[conv]\n[dropout]\nprobability=1\n", "t.cfg:8: "
	    "[dropout] probability=1 must be in [0, 1)");
	fail_text(NET "[conv]\n[soft]\ntree=9k.tree\n", "t.cfg:8: [soft] "
	    "tree= (hierarchical softmax) is not supported");
	fail_text(NET "[conv]\ndontload=1\n[soft]\n", "t.cfg:7: [conv] "
	    "dontload=1 is not supported (it changes the weights file "
	    "layout)");
	fail_text(NET "[conv]\n[soft]\ntemperature=0\n", "t.cfg:8: [soft] "
	    "temperature=0 divides by zero");
	fail_text(NET "[conv]\n[soft]\ntemperature=inf\n", "t.cfg:8: [soft] "
	    "temperature=inf is not a finite number");
	fail_text(NET "[conv]\n[shortcut]\nfrom=-1\nalpha=nan\n", "t.cfg:9: "
	    "[shortcut] alpha=nan is not a finite number");
}

static void test_refuse_references(void **state)
{
	(void)state;
	fail_text(NET "[conv]\n[shortcut]\nfrom=1\n", "t.cfg:8: [shortcut] "
	    "from=1 refers to layer 1; it must be an earlier layer (0..0)");
	fail_text(NET "[conv]\n[shortcut]\nfrom=-2\n", "t.cfg:8: [shortcut] "
	    "from=-2 refers to layer -1");
	fail_text(NET "[shortcut]\nfrom=-1\n", "t.cfg:7: [shortcut] from=-1: "
	    "layer 0 has no earlier layer");
	fail_text(NET "[conv]\n[shortcut]\n", "t.cfg:7: [shortcut] needs "
	    "from=");
	/* atoi(NULL) in Darknet */
	fail_text(NET "[conv]\n[shortcut]\nfrom\nfrom=-1\n", "t.cfg:7: "
	    "[shortcut] needs from=");
	fail_text(NET "[conv]\n[route]\nlayers\n", "t.cfg:7: [route] needs "
	    "layers=");
	fail_text(NET "[conv]\n[route]\nlayers=-2\n", "t.cfg:8: [route] "
	    "layers=-2 refers to layer -1");
	fail_text(NET "[conv]\n[route]\nlayers=0,5\n", "t.cfg:8: [route] "
	    "layers=5 refers to layer 5");
	fail_text(NET "[conv]\n[route]\nlayers=-1,,3\n", "t.cfg:8: [route] "
	    "layers=3 refers to layer 3");
	fail_text(NET "[conv]\n[route]\n", "t.cfg:7: [route] needs layers=");
	/* 4×3 pooled to 2×2: Darknet's shortcut_cpu would assert. */
	fail_text("[net]\nheight=4\nwidth=3\nchannels=1\n[conv]\n[maxpool]\n"
	    "size=2\nstride=2\n[shortcut]\nfrom=-2\n", "t.cfg:10: [shortcut] "
	    "layer 0 (3×4) and the layer before it (2×2) are not scaled "
	    "alike");
	fail_text(NET "[connected]\noutput=4\n[softmax]\n[shortcut]\n"
	    "from=-2\n", "t.cfg:10: [shortcut] needs images");
}

static void test_refuse_shapes(void **state)
{
	(void)state;
	fail_text(NET "[connected]\noutput=10\n[softmax]\n[convolutional]\n",
	    "t.cfg:9: [convolutional] needs an image input, but the layer "
	    "before it outputs 0×0×0");
	fail_text(NET "[connected]\noutput=10\n[convolutional]\nsize=3\n",
	    "t.cfg:9: [convolutional] size=3 is larger than its padded 1×1 "
	    "input");
	fail_text(NET "[connected]\noutput=4\n[soft]\n[maxpool]\n", "t.cfg:9: "
	    "[maxpool] needs an image input");
	fail_text(NET "[connected]\noutput=4\n[soft]\n[avgpool]\n", "t.cfg:9: "
	    "[avgpool] needs an image input");
	fail_text(NET "[convolutional]\nfilters=4\nsize=3\npad=1\n",
	    "t.cfg: output is 28×28×4, not a classifier vector");
	fail_text(NET "[connected]\noutput=4\n[dropout]\n", "t.cfg: output is "
	    "1×1×4, not a classifier vector");
	fail_text("[net]\nheight=8\nwidth=8\nchannels=3\n[conv]\nfilters=4\n"
	    "groups=2\n", "t.cfg:7: [conv] groups=2 does not divide both the "
	    "3 input channels and filters=4");
	fail_text("[net]\nheight=8\nwidth=8\nchannels=4\n[conv]\nfilters=3\n"
	    "groups=2\n", "groups=2 does not divide both the 4 input channels "
	    "and filters=3");
	fail_text(NET "[connected]\noutput=10\n[softmax]\ngroups=3\n",
	    "t.cfg:9: [softmax] groups=3 does not divide its 10 inputs");
}

static void test_refuse_layer_count(void **state)
{
	static const char unit[] = "[dropout]\n";
	size_t n = 65537, len = strlen(NET "[conv]\n");
	char *text = xmalloc(len + n * (sizeof unit - 1) + 1);

	(void)state;
	memcpy(text, NET "[conv]\n", len);
	for (size_t i = 0; i < n; i++, len += sizeof unit - 1)
		memcpy(text + len, unit, sizeof unit - 1);
	fail_len(text, len, "more than 65536 layers");
	free(text);
}

/* ---- crafted text that must pass ---- */

/* ---- detectors ---- */

#define CONV(n)	"[convolutional]\nfilters=" #n "\nsize=1\nactivation=linear\n"
#define A6	"anchors=10,13,16,30,33,23,30,61,62,45,59,119\n"

static void test_refuse_detectors(void **state)
{
	(void)state;
	fail_text(NET CONV(8) "[yolo]\nmask=0,1,2\nnum=3\nclasses=10\n" A6,
	    "t.cfg:10: [yolo] needs 45 input channels (3 anchors × (classes=10 "
	    "+ 5)), but the layer before it outputs 28×28×8");
	fail_text(NET CONV(30) "[yolo]\nmask=0,3\nnum=3\nclasses=10\n",
	    "t.cfg:11: [yolo] mask=0,3: entry 3 is not one of the num=3 anchors");
	fail_text(NET CONV(15) "[yolo]\nmask=-1\nnum=3\nclasses=10\n",
	    "entry -1 is not one of");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\nanchors=1,2,3\n",
	    "t.cfg:12: [yolo] anchors= has 3 values, more than 2 × num=1 "
	    "(Darknet would write past its anchor array)");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\nanchors=1,inf\n",
	    "t.cfg:12: [yolo] anchors=1,inf: a value is not a finite number");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\nmap=x.map\n",
	    "t.cfg:12: [yolo] map= (a class map read from another file) is "
	    "not supported");
	fail_text(NET CONV(15) "[yolo]\nclasses=0\n", "classes=0 must be at "
	    "least 1");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\n" CONV(4),
	    "t.cfg:12: the last layer is [convolutional]; a detector's must be "
	    "its [yolo] or [region] head");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\n[cost]\n",
	    "the last layer is [cost]");
	fail_text(NET CONV(15) "[yolo]\nclasses=10\n[route]\nlayers=-2\n"
	    CONV(16) "[yolo]\nclasses=11\n", "t.cfg:18: [yolo] (classes=11) "
	    "differs from the head at line 10 (classes=10)");
	fail_text(NET CONV(16) "[region]\nclasses=10\n", "classes=10 + "
	    "coords=4 + 1");
	fail_text(NET CONV(13) "[region]\nclasses=10\ncoords=2\n",
	    "coords=2 must be at least 4");
	fail_text(NET CONV(15) "[region]\nclasses=10\ntree=9k.tree\n",
	    "[region] tree= (a class tree");
	fail_text(NET "[yolo]\nclasses=1\n", "[yolo] cannot be the first layer");
	fail_text(NET CONV(6) "[reorg]\nstride=2\n", "t.cfg:11: [reorg] "
	    "stride=2: its 6 input channels are not a multiple of stride × "
	    "stride");
	fail_text(NET CONV(9) "[reorg]\nstride=3\n", "[reorg] stride=3 does "
	    "not divide its 28×28 input");
	fail_text(NET CONV(9) "[reorg]\nstride=0\n", "stride=0 must be at "
	    "least 1");
	fail_text(NET CONV(4) "[reorg]\nextra=5\nflatten=1\n", "extra= with "
	    "flatten= would read past its input");
	fail_text(NET CONV(4) "[reorg]\nextra=-5\n", "extra=-5 must be at "
	    "least 0");
	fail_text(NET CONV(4) "[upsample]\nstride=0\n", "[upsample] stride=0 "
	    "gives no output");
	fail_text(NET CONV(4) "[upsample]\nstride=-3\n", "[upsample] "
	    "stride=-3 does not divide its 28×28 input");
	fail_text(NET CONV(4) "[softmax]\n[upsample]\n", "[upsample] needs an "
	    "image input");
}

static void expect_layer(const struct cfg_info *info, int i, const char *type,
    int w, int h, int c)
{
	assert_string_equal(info->layers[i].type, type);
	assert_int_equal(info->layers[i].out_w, w);
	assert_int_equal(info->layers[i].out_h, h);
	assert_int_equal(info->layers[i].out_c, c);
}

static void test_pass_detectors(void **state)
{
	struct cfg_info info;
	const char *t;
	(void)state;

	/* yolov3's head and neck: upsample, a route of two layers */
	t = NET CONV(45) "[yolo]\nmask=3,4,5\nnum=6\nclasses=10\n" A6
	    "jitter=.3\nignore_thresh=.7\ntruth_thresh=1\nrandom=1\nmax=90\n"
	    "[route]\nlayers=-2\n[convolutional]\nfilters=8\nsize=3\nstride=2\n"
	    "pad=1\n[upsample]\nstride=2\n[route]\nlayers=-1,-4\n" CONV(45)
	    "[yolo]\nmask=0,1,2\nnum=6\nclasses=10\n" A6;
	pass_text(t, strlen(t), &info);
	assert_int_equal(info.detector, 1);
	assert_int_equal(info.classes, 10);
	assert_int_equal(info.nnotes, 0);
	expect_layer(&info, 1, "yolo", 28, 28, 45);
	expect_layer(&info, 3, "convolutional", 14, 14, 8);
	expect_layer(&info, 4, "upsample", 28, 28, 8);
	expect_layer(&info, 5, "route", 28, 28, 53);
	expect_layer(&info, 7, "yolo", 28, 28, 45);
	assert_int_equal(info.layers[1].nweights, 0);
	cfg_info_free(&info);

	/* yolov2's region and reorg; downsampling and reverse reorg */
	t = NET CONV(4) "[reorg]\nstride=2\n" "[reorg]\nstride=2\nreverse=1\n"
	    "[upsample]\nstride=-2\n" CONV(125) "[region]\nanchors=1,2,3,4,5,6,"
	    "7,8,9,10\nclasses=20\ncoords=4\nnum=5\nsoftmax=1\njitter=.2\n"
	    "rescore=1\nobject_scale=5\nnoobject_scale=1\nclass_scale=1\n"
	    "coord_scale=1\nabsolute=1\nthresh=.6\nrandom=1\n";
	pass_text(t, strlen(t), &info);
	assert_int_equal(info.detector, 1);
	assert_int_equal(info.classes, 20);
	assert_int_equal(info.nnotes, 0);
	expect_layer(&info, 1, "reorg", 14, 14, 16);
	expect_layer(&info, 2, "reorg", 28, 28, 4);
	expect_layer(&info, 3, "upsample", 14, 14, 4);
	expect_layer(&info, 5, "region", 14, 14, 125);
	cfg_info_free(&info);

	/* reorg extra=: a longer vector */
	t = NET CONV(4) "[reorg]\nextra=3\n[connected]\noutput=2\n";
	pass_text(t, strlen(t), &info);
	assert_int_equal(info.layers[1].outputs, 28 * 28 * 4 + 3);
	assert_int_equal(info.detector, 0);
	assert_int_equal(info.classes, 2);
	cfg_info_free(&info);

	/* what Darknet accepts with a warning */
	pass_note(NET CONV(15) "[yolo]\nclasses=10\nnum=2\nmask=1\n"
	    "anchors=3,4,5\n", CFG_NOTE_WARNING, "[yolo] anchors= gives 3 values "
	    "for num=2 anchors: Darknet uses 0.5 for the other 1");
	pass_note(NET CONV(15) "[yolo]\nclasses=10\n", CFG_NOTE_WARNING,
	    "[yolo] has no anchors=");
	pass_note(NET CONV(30) "[yolo]\nclasses=10\nnum=2\nmask=0,1x\n"
	    "anchors=1,2,3,4\n", CFG_NOTE_IGNORED, "mask=0,1x: Darknet reads each");
	pass_note(NET CONV(15) "[yolo]\nclasses=10\nanchors=1,2\nfoo=1\n",
	    CFG_NOTE_IGNORED, "[yolo] foo=1 is not a key Darknet reads here");
}

static void test_pass_aliases(void **state)
{
	struct cfg_info info;
	static const char text[] =
	    "[network]\nheight=8\nwidth=8\nchannels=2\n"
	    "[conv]\nfilters=4\nsize=3\npad=1\n[max]\nsize=2\nstride=2\n"
	    "[avg]\n[conn]\noutput=3\n[soft]";	/* no final newline */
	static const char *const types[] = {
		"convolutional", "maxpool", "avgpool", "connected", "softmax"
	};

	(void)state;
	pass_text(text, sizeof text - 1, &info);
	assert_int_equal(info.nlayers, 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(info.layers[i].type, types[i]);
	assert_int_equal(info.layers[1].out_w, 4);
	/* conv 4 + 4·2·9, connected 3 + 3·4 */
	assert_true(info.total_weights == 4 + 72 + 3 + 12);
	cfg_info_free(&info);
}

static void test_pass_darknet_reading(void **state)
{
	struct cfg_info info;
	/* Darknet strips all blanks, skips # and ; lines, first key wins. */
	static const char text[] =
	    "# comment\n; another\n\n[ net ]\n\tbatch = 1 0\n"
	    "height=4\nwidth=4\nchannels=1\n"
	    "[convolutional]\n fil ters = 1 6 \nfilters=8\nsize=1\n"
	    "activation = leaky\n[avgpool]\n[softmax]\n";

	(void)state;
	pass_text(text, sizeof text - 1, &info);
	assert_int_equal(info.batch, 10);
	assert_int_equal(info.layers[0].line, 9);
	assert_int_equal(info.layers[0].out_c, 16);
	assert_true(info.total_weights == 16 + 16);
	cfg_info_free(&info);
}

static void test_pass_route_batchnorm(void **state)
{
	struct cfg_info info;
	/* Checked against libdarknet: 16 + 30 + 30 + 70 weights. */
	static const char text[] =
	    "[net]\nheight=8\nwidth=8\nchannels=3\n"
	    "[convolutional]\nfilters=4\nsize=1\n"
	    "[convolutional]\nfilters=6\nsize=1\n"
	    "[route]\nlayers=-1,-2\n[batchnorm]\n[avgpool]\n"
	    "[connected]\noutput=5\nbatch_normalize=1\n[softmax]\n[cost]\n";

	(void)state;
	pass_text(text, sizeof text - 1, &info);
	assert_int_equal(info.nlayers, 8);
	assert_int_equal(info.layers[2].out_c, 10);
	assert_true(info.layers[2].outputs == 640);
	assert_true(info.layers[3].nweights == 30);
	assert_true(info.layers[5].nweights == 70);
	assert_true(info.total_weights == 146);
	cfg_info_free(&info);
}

static void test_pass_route_unequal(void **state)
{
	struct cfg_info info;
	/* Unequal shapes: Darknet zeroes w, h, c but keeps the outputs. */
	static const char text[] =
	    "[net]\nheight=8\nwidth=8\nchannels=1\n"
	    "[conv]\nfilters=2\nsize=1\n[maxpool]\nsize=2\nstride=2\n"
	    "[route]\nlayers=0,1\n[connected]\noutput=3\n[softmax]\n";

	(void)state;
	pass_text(text, sizeof text - 1, &info);
	assert_int_equal(info.layers[2].out_w, 0);
	assert_true(info.layers[2].outputs == 128 + 32);
	assert_true(info.layers[3].nweights == 3 + 3 * 160);
	cfg_info_free(&info);
}

static void test_pass_inputs_only(void **state)
{
	struct cfg_info info;

	(void)state;
	pass_text("[net]\ninputs=20\n[connected]\noutput=3\n[softmax]\n",
	    strlen("[net]\ninputs=20\n[connected]\noutput=3\n[softmax]\n"),
	    &info);
	assert_int_equal(info.w, 1);
	assert_int_equal(info.h, 1);
	assert_int_equal(info.c, 20);
	assert_true(info.total_weights == 63);
	cfg_info_free(&info);
	/* Without an image Darknet refuses convolutions. */
	fail_text("[net]\ninputs=20\n[conv]\n[soft]\n", "t.cfg:3: [conv] "
	    "needs an image input");
}

static void test_pass_null_out(void **state)
{
	(void)state;
	assert_int_equal(cfgcheck_text("t.cfg", NET "[conv]\n[avg]\n[soft]\n",
	    strlen(NET "[conv]\n[avg]\n[soft]\n"), NULL, NULL), 0);
	assert_int_equal(cfgcheck_text("t.cfg", "[x]", 3, NULL, NULL), -1);
}

/* ---- Darknet's own reading: notes, never refusals ---- */

#define TAIL	"[avg]\n[soft]\n"

static void test_pass_atoi(void **state)
{
	struct cfg_info info;

	(void)state;
	/* the numeric prefix counts, the rest is noted */
	pass_text(NET "[conv]\nfilters=3.5\n" TAIL, strlen(NET "[conv]\n"
	    "filters=3.5\n" TAIL), &info);
	assert_int_equal(info.layers[0].out_c, 3);
	assert_int_equal(notes_with(&info, CFG_NOTE_IGNORED, "t.cfg:7: [conv] "
	    "filters=3.5: Darknet reads 3 and ignores the rest"), 1);
	assert_int_equal(info.ignored, 1);
	assert_int_equal(info.warnings, 0);
	cfg_info_free(&info);
	/* int wraps modulo 2^32: 4294967324 is 28 */
	pass_text("[net]\nheight=28\nwidth=4294967324\nchannels=1\n[conv]\n"
	    TAIL, strlen("[net]\nheight=28\nwidth=4294967324\nchannels=1\n"
	    "[conv]\n" TAIL), &info);
	assert_int_equal(info.w, 28);
	cfg_info_free(&info);
	pass_note(NET "max_batches=100000#note\n[conv]\n" TAIL,
	    CFG_NOTE_IGNORED, "t.cfg:6: [net] max_batches=100000#note: Darknet "
	    "reads 100000 and ignores the rest");
	pass_note(NET "momentum=fast\n[conv]\n" TAIL, CFG_NOTE_IGNORED,
	    "[net] momentum=fast: Darknet reads 0 and ignores the rest");
	pass_note(NET "[conv]\nbatch_normalize=true\n" TAIL, CFG_NOTE_IGNORED,
	    "batch_normalize=true: Darknet reads 0");
	pass_note(NET "[conv]\nlearning_rate=x\n" TAIL, CFG_NOTE_IGNORED,
	    "[conv] learning_rate=x: Darknet reads 0");
	/* layers: atoi per comma piece, "" is layer 0 */
	pass_text(NET "[conv]\n[route]\nlayers=-1,,0x\n" TAIL, strlen(NET
	    "[conv]\n[route]\nlayers=-1,,0x\n" TAIL), &info);
	assert_int_equal(info.layers[1].out_c, 3);
	assert_int_equal(notes_with(&info, CFG_NOTE_IGNORED, "t.cfg:8: [route] "
	    "layers=-1,,0x: Darknet reads each piece's leading integer"), 1);
	cfg_info_free(&info);
}

static void test_pass_lines(void **state)
{
	struct cfg_info info;
	static const char text[] =
	    "[net]\nbatch=2\nheight=28\nwidth=28\nchannels=1\nfrobnicate\n"
	    "[conv]\nfilters\nfilters=8\nsize=\n=3\nmystery=5\n"
	    "size=3\n" TAIL;

	(void)state;
	pass_text(text, sizeof text - 1, &info);
	/* "filters" without '=' is found first: Darknet's default 1 */
	assert_int_equal(info.layers[0].out_c, 1);
	assert_int_equal(info.layers[0].out_w, 26);	/* size=3 (size= dropped) */
	assert_int_equal(info.ignored, 6);
	assert_int_equal(info.nnotes, 6);
	static const char *const want[] = {
		"t.cfg:6: [net] frobnicate is not a key Darknet reads here",
		"t.cfg:8: [conv] filters has no '=': Darknet uses its default",
		"t.cfg:9: [conv] filters= repeats line 8: Darknet uses the first",
		"t.cfg:10: \"size=\" has no value: Darknet cannot parse the line",
		"t.cfg:11: [conv] =3 is not a key Darknet reads here",
		"t.cfg:12: [conv] mystery=5 is not a key Darknet reads here",
	};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(info.notes[i].kind, CFG_NOTE_IGNORED);
		if (strstr(info.notes[i].msg, want[i]) != info.notes[i].msg) {
			print_error("note %d: \"%s\", want \"%s\"\n", i,
			    info.notes[i].msg, want[i]);
			fail();
		}
	}
	cfg_info_free(&info);
	/* keys read only under a condition: B1 without adam */
	pass_note(NET "B1=.5\n[conv]\n" TAIL, CFG_NOTE_IGNORED, "[net] B1=.5 "
	    "is not a key Darknet reads here");
	pass_text(NET "adam=1\nB1=.5\n[conv]\n" TAIL, strlen(NET "adam=1\n"
	    "B1=.5\n[conv]\n" TAIL), &info);
	assert_int_equal(info.ignored, 0);
	cfg_info_free(&info);
	/* comment-only and blank lines, whitespace anywhere */
	pass_text("#c\n;c\n \t\n[ne t]\nhei ght\t=2 8\nwidth=28\nchannels=1\n"
	    "[conv]\n" TAIL, strlen("#c\n;c\n \t\n[ne t]\nhei ght\t=2 8\n"
	    "width=28\nchannels=1\n[conv]\n" TAIL), &info);
	assert_int_equal(info.h, 28);
	assert_int_equal(info.ignored + info.warnings, 0);
	cfg_info_free(&info);
	/* a stray control byte stays in the value, as in Darknet; shown as ? */
	pass_note(NET "[conv]\nfilters=2\v\n" TAIL, CFG_NOTE_IGNORED,
	    "filters=2?: Darknet reads 2");
}

static void test_pass_names(void **state)
{
	(void)state;
	pass_note(NET "[conv]\nactivation=leaky2\n" TAIL, CFG_NOTE_WARNING,
	    "t.cfg:7: warning: [conv] activation=leaky2 is unknown to this "
	    "Darknet: it uses relu instead");
	pass_note(NET "policy=bogus\n[conv]\n" TAIL, CFG_NOTE_WARNING,
	    "[net] policy=bogus is unknown to this Darknet: it uses "
	    "policy=constant instead");
	pass_note(NET "[conv]\n[conn]\noutput=2\n[soft]\n[cost]\ntype=x\n",
	    CFG_NOTE_WARNING, "[cost] type=x is unknown to this Darknet: it "
	    "uses type=sse instead");
	/* policy=steps with more scales than steps: the rest unread */
	assert_int_equal(cfgcheck_text("t.cfg", NET "policy=steps\nsteps=1,2\n"
	    "scales=.1,.1,.1\n[conv]\n" TAIL, strlen(NET "policy=steps\n"
	    "steps=1,2\nscales=.1,.1,.1\n[conv]\n" TAIL), NULL, NULL), 0);
}

static void test_notes_cap(void **state)
{
	struct cfg_info info;
	char *text, *p;
	size_t cap = 20000;

	(void)state;
	text = xmalloc(cap);
	p = text + sprintf(text, "%s[conv]\n", NET);
	for (int i = 0; i < 1000; i++)
		p += sprintf(p, "k%d=%d\n", i, i);
	strcpy(p, TAIL);
	pass_text(text, strlen(text), &info);
	assert_int_equal(info.ignored, 1000);
	assert_int_equal(info.nnotes, CFGCHECK_MAX_NOTES);
	cfg_info_free(&info);
	free(text);
}

/* ---- cfg_forks: each row fires, and not on that fork's default ---- */

/* A network with every section a row may name; the row's key=value goes
 * first in its section (Darknet's first occurrence wins). */
static char *fork_cfg(const struct cfg_fork *f, const char *val)
{
	static const char *const secs[] = {
		"[net]\nbatch=1\nheight=8\nwidth=8\nchannels=1\n",
		"[convolutional]\nfilters=4\nsize=3\npad=1\n",
		"[convolutional]\nfilters=4\nsize=3\npad=1\n",
		"[shortcut]\nfrom=-2\n",
		"[route]\nlayers=-1\n",
		"[maxpool]\nsize=2\nstride=2\n",
		"[dropout]\n",
		"[connected]\noutput=3\nactivation=linear\n",
		"[softmax]\n",
	};
	const char *sec = strcmp(f->section, "*") == 0 ? "convolutional" :
	    f->section;
	char *text = xstrdup(""), *t;
	int done = 0;

	for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
		const char *nl = strchr(secs[i], '\n');
		int here = !done && strncmp(secs[i] + 1, sec, strlen(sec)) == 0;
		t = here ? xasprintf("%s%.*s%s=%s\n%s", text,
		    (int)(nl - secs[i] + 1), secs[i], f->key, val, nl + 1) :
		    xasprintf("%s%s", text, secs[i]);
		done |= here;
		free(text);
		text = t;
	}
	assert_true(done);
	return text;
}

/* The value of f's key that is that fork's default in fork_cfg. */
static const char *fork_neutral(const struct cfg_fork *f)
{
	switch (f->when) {
	case FORK_DIFFERS:
		return f->value;
	case FORK_IS:
		return strcmp(f->key, "activation") == 0 ? "leaky" : "poly";
	case FORK_LIST:
		return "-2";
	case FORK_STRIDE:
		return strcmp(f->section, "maxpool") == 0 ? "2" : "1";
	case FORK_DILATION:
		return "1";
	}
	return NULL;
}

static void test_fork_table(void **state)
{
	(void)state;
	assert_true(cfg_nforks >= 30);
	for (size_t i = 0; i < cfg_nforks; i++) {
		const struct cfg_fork *f = &cfg_forks[i];
		struct cfg_info info;
		char want[256], *text;

		text = fork_cfg(f, f->example);
		snprintf(want, sizeof want, "] %s=%s is honoured by AlexeyAB's "
		    "Darknet but %s: %s", f->key, f->example, f->instead ?
		    f->instead : "ignored by this Darknet", f->effect ==
		    FORK_INFERENCE ? "results will differ from that fork" :
		    "training will differ from that fork");
		pass_text(text, strlen(text), &info);
		if (notes_with(&info, CFG_NOTE_WARNING, want) != 1 ||
		    info.warnings != 1) {
			print_error("row %zu [%s] %s=%s: no single warning "
			    "\"%s\"\n%s", i, f->section, f->key, f->example,
			    want, text);
			fail();
		}
		cfg_info_free(&info);
		free(text);
		/* spelling out that fork's default draws no warning */
		text = fork_cfg(f, fork_neutral(f));
		pass_text(text, strlen(text), &info);
		if (info.warnings != 0) {
			print_error("row %zu [%s] %s=%s warns: %s\n", i,
			    f->section, f->key, fork_neutral(f),
			    info.notes[0].msg);
			fail();
		}
		cfg_info_free(&info);
		free(text);
	}
	/* a later duplicate is ignored by both forks */
	pass_note(NET "[conv]\nactivation=leaky\nactivation=mish\n" TAIL,
	    CFG_NOTE_IGNORED, "[conv] activation= repeats line 7");
	/* activation= where no layer reads it is just ignored */
	pass_note(NET "activation=mish\n[conv]\n" TAIL, CFG_NOTE_IGNORED,
	    "t.cfg:6: [net] activation=mish is not a key Darknet reads here");
	pass_note(NET "[conv]\n[max]\nactivation=mish\n" TAIL,
	    CFG_NOTE_IGNORED, "[max] activation=mish is not a key Darknet");
	pass_note(NET "[conv]\n[shortcut]\nfrom=-1\nactivation=swish\n" TAIL,
	    CFG_NOTE_WARNING, "[shortcut] activation=swish is honoured");
	/* dilation with size=1: that fork uses 1 too */
	pass_note(NET "[conv]\nsize=1\ndilation=2\n" TAIL, CFG_NOTE_IGNORED,
	    "[conv] dilation=2 is not a key Darknet reads here");
}

/* ---- cfgcheck_file ---- */

static void test_file_errors(void **state)
{
	char path[] = "/tmp/test_cfgcheck.XXXXXX", *cause = NULL;
	struct cfg_info info;
	int fd;

	(void)state;
	assert_int_equal(cfgcheck_file("/nonexistent/x.cfg", &info, &cause),
	    -1);
	assert_non_null(strstr(cause, "/nonexistent/x.cfg: "));
	free(cause);
	assert_int_equal(cfgcheck_file("/tmp", &info, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(cfgcheck_file(path, &info, &cause), -1);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	assert_string_equal(cause + strlen(path), ": empty file");
	free(cause);
	unlink(path);
}

/* ---- cfgcheck_with_batch ---- */

static void test_with_batch_bundled(void **state)
{
	char path[1024], *text, *out;
	struct cfg_info info;
	size_t len;
	int line = 1;

	(void)state;
	snprintf(path, sizeof path, "%s/cfg/fmnist-plain.cfg", srcdir());
	text = read_text(path, &len);
	assert_non_null(text);
	out = cfgcheck_with_batch(text, len, 7);
	assert_non_null(out);
	/* Same lines, except batch and subdivisions in [net]. */
	for (const char *a = text, *b = out; *a != '\0' || *b != '\0'; line++) {
		size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
		if (strncmp(a, "batch=", 6) == 0)
			assert_true(nb == 7 && strncmp(b, "batch=7", 7) == 0);
		else if (strncmp(a, "subdivisions=", 13) == 0)
			assert_true(nb == 14 &&
			    strncmp(b, "subdivisions=1", 14) == 0);
		else
			assert_true(na == nb && memcmp(a, b, na) == 0);
		assert_int_equal(a[na], b[nb]);
		a += na + (a[na] != '\0');
		b += nb + (b[nb] != '\0');
	}
	assert_int_equal(line, 70);	/* 69 lines */
	pass_text(out, strlen(out), &info);
	assert_int_equal(info.batch, 7);
	assert_int_equal(info.subdivisions, 1);
	assert_true(info.total_weights == 227930);
	cfg_info_free(&info);
	free(out);
	free(text);
}

static void with_batch_is(const char *in, int batch, const char *want)
{
	char *out = cfgcheck_with_batch(in, strlen(in), batch);

	if (want == NULL) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_with_batch_crafted(void **state)
{
	(void)state;
	with_batch_is("[net]\nheight=1\n[conv]\n", 3,
	    "[net]\nbatch=3\nsubdivisions=1\nheight=1\n[conv]\n");
	with_batch_is("[net]", 5, "[net]\nbatch=5\nsubdivisions=1\n");
	with_batch_is("# c\n[ net ]\n  batch = 64 \nsubdivisions=8\n"
	    "[convolutional]\nbatch=3\n", 2,
	    "# c\n[ net ]\nbatch=2\nsubdivisions=1\n[convolutional]\n"
	    "batch=3\n");
	with_batch_is("[network]\nsubdivisions=4\nbatch_normalize=1\n", 9,
	    "[network]\nbatch=9\nsubdivisions=1\nbatch_normalize=1\n");
	with_batch_is("[net]\nbatch=1\nbatch=2\nsubdivisions=2", 4,
	    "[net]\nbatch=4\nbatch=4\nsubdivisions=1");
	with_batch_is("[conv]\n", 1, NULL);
	with_batch_is("# only\n", 1, NULL);
	with_batch_is("", 1, NULL);
	with_batch_is("[net]\n", 0, NULL);
}

/* ---- robustness: mutated and truncated text never crashes ---- */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t mutate(char *buf, size_t len, size_t cap, uint64_t *s)
{
	static const char alphabet[] = "[]=#;,-+.0123456789\n \tabcfx\r";
	static const char *const words[] = {
		"0", "-1", "1048577", "999999999999", "[route]", "[shortcut]",
		"from=-9", "layers=-1,-3", "groups=3", "size=9", "pad=1",
		"stride=2", "[dropout]", "[net]", "\n[conv]\n", "filters=7"
	};
	size_t at = len ? rng_next(s) % len : 0, n;

	switch (rng_next(s) % 4) {
	case 0:
		if (len)
			buf[at] = alphabet[rng_next(s) % (sizeof alphabet - 1)];
		return len;
	case 1:
		n = rng_next(s) % 16;
		n = n > len - at ? len - at : n;
		memmove(buf + at, buf + at + n, len - at - n);
		return len - n;
	case 2: {
		const char *w = words[rng_next(s) % (sizeof words /
		    sizeof words[0])];
		n = strlen(w);
		if (len + n > cap)
			return len;
		memmove(buf + at + n, buf + at, len - at);
		memcpy(buf + at, w, n);
		return len + n;
	}
	default:
		n = rng_next(s) % 64;
		n = n > len - at ? len - at : n;
		if (len + n > cap)
			return len;
		memmove(buf + at + n, buf + at, len - at);
		return len + n;	/* duplicates buf[at, at+n) */
	}
}

/* Any text either passes consistently or fails with one message line. */
static void check_any(const char *text, size_t len)
{
	struct cfg_info info, again;
	char *cause = NULL, *b1;

	if (cfgcheck_text("t.cfg", text, len, &info, &cause) != 0) {
		assert_non_null(cause);
		assert_int_equal(strncmp(cause, "t.cfg", 5), 0);
		assert_null(info.layers);
		free(cause);
		return;
	}
	assert_true(info.nlayers > 0 && info.total_weights >= 0);
	/* A smaller batch must still pass, with the same weights. */
	b1 = cfgcheck_with_batch(text, len, 1);
	assert_non_null(b1);
	pass_text(b1, strlen(b1), &again);
	assert_true(again.total_weights == info.total_weights);
	assert_int_equal(again.nlayers, info.nlayers);
	cfg_info_free(&again);
	cfg_info_free(&info);
	free(b1);
}

static void test_fuzz(void **state)
{
	char path[1024], *text, *buf;
	size_t len, cap;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	(void)state;
	snprintf(path, sizeof path, "%s/cfg/fmnist-resnet.cfg", srcdir());
	text = read_text(path, &len);
	assert_non_null(text);
	for (size_t i = 0; i <= len; i++)
		check_any(text, i);
	cap = 2 * len + 256;
	buf = xmalloc(cap);
	for (int iter = 0; iter < 3000; iter++) {
		size_t n = len;
		memcpy(buf, text, len);
		for (int m = 1 + (int)(rng_next(&seed) % 4); m > 0; m--)
			n = mutate(buf, n, cap, &seed);
		check_any(buf, n);
	}
	free(buf);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_darknet_classifiers),
		cmocka_unit_test(test_darknet_refused),
		cmocka_unit_test(test_bundled_plain),
		cmocka_unit_test(test_bundled_resnet),
		cmocka_unit_test(test_refuse_structure),
		cmocka_unit_test(test_refuse_net),
		cmocka_unit_test(test_refuse_sizes),
		cmocka_unit_test(test_refuse_huge_filters),
		cmocka_unit_test(test_refuse_counts),
		cmocka_unit_test(test_refuse_values),
		cmocka_unit_test(test_refuse_references),
		cmocka_unit_test(test_refuse_shapes),
		cmocka_unit_test(test_refuse_layer_count),
		cmocka_unit_test(test_refuse_detectors),
		cmocka_unit_test(test_pass_detectors),
		cmocka_unit_test(test_pass_aliases),
		cmocka_unit_test(test_pass_darknet_reading),
		cmocka_unit_test(test_pass_route_batchnorm),
		cmocka_unit_test(test_pass_route_unequal),
		cmocka_unit_test(test_pass_inputs_only),
		cmocka_unit_test(test_pass_null_out),
		cmocka_unit_test(test_pass_atoi),
		cmocka_unit_test(test_pass_lines),
		cmocka_unit_test(test_pass_names),
		cmocka_unit_test(test_notes_cap),
		cmocka_unit_test(test_fork_table),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_with_batch_bundled),
		cmocka_unit_test(test_with_batch_crafted),
		cmocka_unit_test(test_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
