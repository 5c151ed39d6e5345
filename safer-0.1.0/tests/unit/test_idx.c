/* test_idx.c - the IDX reader on hand-made buffers and on the real Fashion-MNIST files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "formats/idx.h"

static size_t put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

static void test_images_ok(void **state)
{
	(void)state;
	unsigned char buf[16 + 12];
	size_t o = put_be32(buf, 0x803);
	o += put_be32(buf + o, 3);
	o += put_be32(buf + o, 2);
	o += put_be32(buf + o, 2);
	for (int i = 0; i < 12; i++)
		buf[o + i] = (unsigned char)(i * 20);
	struct idx_images im;
	char *cause = NULL;
	assert_int_equal(idx_parse_images(buf, sizeof buf, &im, &cause), 0);
	assert_int_equal(im.count, 3);
	assert_int_equal(im.rows, 2);
	assert_int_equal(im.cols, 2);
	assert_int_equal(im.pixels[5], 100);
	idx_images_free(&im);
}

static void test_images_bad(void **state)
{
	(void)state;
	unsigned char buf[16 + 12] = { 0 };
	char *cause = NULL;
	struct idx_images im;
	put_be32(buf, 0x801);	/* a labels magic */
	put_be32(buf + 4, 3);
	put_be32(buf + 8, 2);
	put_be32(buf + 12, 2);
	assert_int_equal(idx_parse_images(buf, sizeof buf, &im, &cause), -1);
	assert_non_null(strstr(cause, "magic"));
	free(cause);
	put_be32(buf, 0x803);
	put_be32(buf + 4, 4);	/* count says 4, data holds 3 */
	assert_int_equal(idx_parse_images(buf, sizeof buf, &im, &cause), -1);
	assert_non_null(strstr(cause, "4 images"));
	free(cause);
	assert_int_equal(idx_parse_images(buf, 10, &im, &cause), -1);
	assert_non_null(strstr(cause, "too short"));
	free(cause);
	put_be32(buf + 4, 0xffffffffu);	/* overflow bait */
	assert_int_equal(idx_parse_images(buf, sizeof buf, &im, &cause), -1);
	free(cause);
}

static void test_labels(void **state)
{
	(void)state;
	unsigned char buf[8 + 3] = { 0 };
	put_be32(buf, 0x801);
	put_be32(buf + 4, 3);
	buf[8] = 9;
	struct idx_labels lb;
	char *cause = NULL;
	assert_int_equal(idx_parse_labels(buf, sizeof buf, &lb, &cause), 0);
	assert_int_equal(lb.count, 3);
	assert_int_equal(lb.labels[0], 9);
	idx_labels_free(&lb);
	put_be32(buf + 4, 2);
	assert_int_equal(idx_parse_labels(buf, sizeof buf, &lb, &cause), -1);
	assert_non_null(strstr(cause, "2 labels"));
	free(cause);
}

/* The Debian package's files, gzip-compressed: 10,000 test images of 28x28. */
static void test_real_files(void **state)
{
	(void)state;
	const char *dir = getenv("FMNIST_DIR") ? getenv("FMNIST_DIR") : "/usr/share/datasets/fashion-mnist";
	char p[1024];
	struct idx_images im;
	struct idx_labels lb;
	char *cause = NULL;
	snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", dir);
	if (access(p, R_OK) != 0)
		skip();
	assert_int_equal(idx_load_images(p, &im, &cause), 0);
	assert_int_equal(im.count, 10000);
	assert_int_equal(im.rows, 28);
	assert_int_equal(im.cols, 28);
	snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte.gz", dir);
	assert_int_equal(idx_load_labels(p, &lb, &cause), 0);
	assert_int_equal(lb.count, 10000);
	assert_int_equal(lb.labels[0], 9);	/* the first test image is an ankle boot */
	int hist[10] = { 0 };
	for (int i = 0; i < lb.count; i++)
		hist[lb.labels[i]]++;
	for (int k = 0; k < 10; k++)
		assert_int_equal(hist[k], 1000);
	idx_images_free(&im);
	idx_labels_free(&lb);
}

/* A gzip stream cut short must be an error, not a short read. */
static void test_truncated_gz(void **state)
{
	(void)state;
	char path[] = "/tmp/safer-test-idx-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unsigned char raw[16 + 784 * 4];
	memset(raw, 7, sizeof raw);
	put_be32(raw, 0x803);
	put_be32(raw + 4, 4);
	put_be32(raw + 8, 28);
	put_be32(raw + 12, 28);
	gzFile gz = gzopen(path, "wb");
	gzwrite(gz, raw, sizeof raw);
	gzclose(gz);
	FILE *f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	assert_int_equal(ftruncate(fileno(f), n - 12), 0);
	fclose(f);
	struct idx_images im;
	char *cause = NULL;
	assert_int_equal(idx_load_images(path, &im, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);
	assert_int_equal(idx_load_images("/nonexistent/x.idx", &im, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_images_ok),
		cmocka_unit_test(test_images_bad),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_truncated_gz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
