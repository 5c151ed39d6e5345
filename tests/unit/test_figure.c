/* test_figure.c - the SVG writer and the figure grid on hand-made scans:
 * escaping; the colour scale's ends and its luminance order (viridis rising,
 * greys falling); trials averaged into one cell, a missing row left as no
 * cell, --kind/--layers filters; the option parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "formats/figure.h"
#include "formats/scan_file.h"
#include "formats/svg.h"

static const char scan_text[] =
    "# safer scan results\n# version: 0.1.0\n# cfg: a.cfg\n# weights: a.weights\n"
    "# weights_checksum: 0123\n# data: d\n# data_checksum: 4567\n# images: 100\n# seed: 1\n"
    "# trials: 2\n# baseline_top1: 0.900000\n# metric: top1\n"
    "layer,layer_kind,kind,level,trial,top1,drop,drop_lo,drop_hi,agree,kl,images,seconds\n"
    "0,conv,prune,0.5,0,0.800000,10.0000,8.0000,12.0000,0.9,0.1,100,0.1\n"
    "0,conv,prune,0.9,0,0.500000,40.0000,38.0000,42.0000,0.5,0.1,100,0.1\n"
    "2,conv,prune,0.5,0,0.890000,1.0000,0.0000,2.0000,0.9,0.1,100,0.1\n"
    "0,conv,bitflip,0.001,0,0.700000,20.0000,18.0000,22.0000,0.9,0.1,100,0.1\n"
    "0,conv,bitflip,0.001,1,0.600000,30.0000,28.0000,32.0000,0.9,0.1,100,0.1\n";

static void test_escape(void **unused)
{
	(void)unused;
	char *e = svg_escaped("a&b<c>\"d'e");
	assert_string_equal(e, "a&amp;b&lt;c&gt;&quot;d&apos;e");
	free(e);
}

static double luminance(double t, int mono)
{
	unsigned char c[3];
	figure_colour(t, mono, c);
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static void test_colour(void **unused)
{
	(void)unused;
	unsigned char c[3];
	figure_colour(0, 0, c);	/* viridis: dark purple to yellow */
	assert_true(c[0] < 80 && c[1] < 20 && c[2] > 60);
	figure_colour(1, 0, c);
	assert_true(c[0] > 230 && c[1] > 200 && c[2] < 60);
	for (int i = 1; i <= 100; i++) {
		assert_true(luminance(i / 100.0, 0) > luminance((i - 1) / 100.0, 0));
		assert_true(luminance(i / 100.0, 1) < luminance((i - 1) / 100.0, 1));
	}
	figure_colour(0.5, 1, c);
	assert_true(c[0] == c[1] && c[1] == c[2]);
}

static void test_grid(void **unused)
{
	(void)unused;
	struct scan_file s;
	struct figure_grid g;
	struct figure_opts o = { .type = FIGURE_HEATMAP };
	char *cause = NULL;
	assert_int_equal(scan_file_parse("t.csv", scan_text, strlen(scan_text), 0, &s, &cause), 0);
	assert_int_equal(figure_grid_build(&g, "t.csv", &s, &o, &cause), 0);
	assert_int_equal(g.nlayers, 2);
	assert_int_equal(g.nkinds, 2);
	assert_int_equal(g.kinds[0], PERTURB_PRUNE);
	assert_int_equal(g.nlevels[0], 2);
	assert_int_equal(g.ncells, 4);	/* the two bitflip trials are one cell */
	const struct figure_cell *c = figure_grid_at(&g, 0, 1, 0);
	assert_non_null(c);
	assert_int_equal(c->trials, 2);
	assert_true(fabs(c->drop - 25) < 1e-12 && fabs(c->drop_lo - 23) < 1e-12 && fabs(c->value - 65) < 1e-9);
	assert_null(figure_grid_at(&g, 1, 0, 1));	/* layer 2 at prune 0.9: not measured */
	assert_true(g.lo == 0 && g.hi == 40);
	/* every figure is drawn without a crash into a stream */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (int t = FIGURE_HEATMAP; t <= FIGURE_BITPOS; t++) {
		o.type = (enum figure_type)t;
		figure_svg(f, &g, NULL, &o, 1);
	}
	fclose(f);
	assert_non_null(strstr(buf, "class=\"missing\" data-layer=\"2\" data-kind=\"prune\" data-level=\"0.9\""));
	free(buf);
	figure_grid_free(&g);

	int layers[] = { 2 };
	o = (struct figure_opts){ .type = FIGURE_HEATMAP, .kinds = 1u << PERTURB_BITFLIP };
	assert_int_equal(figure_grid_build(&g, "t.csv", &s, &o, &cause), 0);
	assert_int_equal(g.ncells, 1);
	figure_grid_free(&g);
	o = (struct figure_opts){ .type = FIGURE_HEATMAP, .kinds = 1u << PERTURB_BITFLIP, .layers = layers, .nlayers = 1 };
	assert_int_equal(figure_grid_build(&g, "t.csv", &s, &o, &cause), -1);
	assert_non_null(strstr(cause, "t.csv: no rows"));
	free(cause);
	figure_grid_free(&g);
	o = (struct figure_opts){ .type = FIGURE_BITPOS };
	assert_int_equal(figure_grid_build(&g, "t.csv", &s, &o, &cause), -1);
	free(cause);
	figure_grid_free(&g);
	scan_file_free(&s);
}

static void test_parse(void **unused)
{
	(void)unused;
	int *l = NULL, n = 0;
	unsigned k = 0;
	char *cause = NULL;
	assert_int_equal(figure_parse_layers("5-7,0,2", &l, &n, &cause), 0);
	assert_int_equal(n, 5);
	assert_true(l[0] == 0 && l[1] == 2 && l[2] == 5 && l[4] == 7);
	free(l);
	assert_int_equal(figure_parse_layers("1,,2", &l, &n, &cause), -1);
	assert_null(l);
	free(cause);
	assert_int_equal(figure_parse_layers("3-1", &l, &n, &cause), -1);
	free(cause);
	assert_int_equal(figure_parse_kinds("prune,quant", &k, &cause), 0);
	assert_int_equal(k, (1u << PERTURB_PRUNE) | (1u << PERTURB_QUANT));
	assert_int_equal(figure_parse_kinds("prune,pie", &k, &cause), -1);
	assert_non_null(strstr(cause, "pie"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_colour),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
