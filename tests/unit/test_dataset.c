/* test_dataset.c - data sets in bounded memory: how many images a bound
 * keeps, the per-image hash, and that a data set held partly in memory
 * gives the same floats, labels and checksum as one held wholly, with the
 * checksum of the old formula (byte-wise FNV-1a over every image's floats
 * in order, then the labels); a changed file is reported on re-decode. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "engine/parallel.h"
#include "formats/dataset.h"
#include "core/util.h"

#define N 300

static void test_cache_images(void **state)
{
	(void)state;
	assert_int_equal(dataset_cache_images(0, 50, 784), 50);	/* no bound */
	assert_int_equal(dataset_cache_images(-1, 50, 784), 50);
	assert_int_equal(dataset_cache_images(1, 50, 784), 0);	/* --data-mb 0 */
	assert_int_equal(dataset_cache_images(3136 * 10 - 1, 50, 784), 9);
	assert_int_equal(dataset_cache_images(3136 * 10, 50, 784), 10);
	assert_int_equal(dataset_cache_images(1e30, 50, 784), 50);
	assert_int_equal(dataset_cache_images(524288, 600, 784), 167);
}

static void test_image_hash(void **state)
{
	(void)state;
	float a[37];
	for (int i = 0; i < 37; i++)
		a[i] = (float)i / 7;
	uint64_t h = dataset_image_hash(a, 37);
	assert_true(h == dataset_image_hash(a, 37));
	assert_true(h != dataset_image_hash(a, 36));	/* the tail word counts */
	for (int i = 0; i < 37; i++) {
		float keep = a[i];
		a[i] = nextafterf(a[i], 100.f);	/* one ulp anywhere */
		assert_true(h != dataset_image_hash(a, 37));
		a[i] = keep;
	}
	float z[4] = { 0.f, 0.f, 0.f, 0.f }, nz[4] = { -0.f, 0.f, 0.f, 0.f };
	assert_true(dataset_image_hash(z, 4) != dataset_image_hash(nz, 4));	/* bits, not values */
}

static int load_idx(double cache_bytes, int parallel, struct dataset *d)
{
	const char *dir = getenv("FMNIST_DIR") ? getenv("FMNIST_DIR") : "/usr/share/datasets/fashion-mnist";
	char im[1024], lb[1024];
	snprintf(im, sizeof im, "%s/t10k-images-idx3-ubyte.gz", dir);
	snprintf(lb, sizeof lb, "%s/t10k-labels-idx1-ubyte.gz", dir);
	struct dataset_options o = { .resize = backend_resize_crop, .limit = N, .cache_bytes = cache_bytes };
	if (parallel) {
		o.parallel = parallel_run;
		o.threads = 3;
	}
	struct shape in = { 28, 28, 1 };
	char *cause = NULL;
	int rc = dataset_load_idx(im, lb, NULL, in, &o, d, &cause);
	if (rc != 0) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
	}
	return rc;
}

/* The old checksum, computed here from all floats at once. */
static uint64_t old_checksum(const float *x, const int *labels, int n, size_t sz)
{
	uint64_t h = hash_fnv1a(x, (size_t)n * sz * sizeof *x, HASH_FNV1A_INIT);
	return hash_fnv1a(labels, (size_t)n * sizeof *labels, h);
}

static void test_partly_cached_equals_whole(void **state)
{
	(void)state;
	struct dataset all, part, none;
	assert_int_equal(load_idx(0, 0, &all), 0);
	assert_int_equal(load_idx(101 * 784 * 4 + 5, 1, &part), 0);
	assert_int_equal(load_idx(1, 1, &none), 0);
	assert_int_equal(all.count, N);
	assert_int_equal(dataset_cached(&all), N);
	assert_null(all.src);	/* nothing to decode again */
	assert_int_equal(part.count, N);
	assert_int_equal(dataset_cached(&part), 101);
	assert_int_equal(dataset_cached(&none), 0);
	assert_true(all.checksum == old_checksum(all.x, all.labels, N, all.image_size));
	assert_true(part.checksum == all.checksum);
	assert_true(none.checksum == all.checksum);
	assert_memory_equal(part.labels, all.labels, N * sizeof(int));

	size_t sz = all.image_size;
	float *buf = xmalloc(N * sz * sizeof *buf);
	char *cause = NULL;
	/* every image, a range across the boundary, and one past it */
	assert_int_equal(dataset_fetch(&part, 0, N, buf, &cause), 0);
	assert_memory_equal(buf, all.x, N * sz * sizeof *buf);
	assert_int_equal(dataset_fetch(&none, 90, 20, buf, &cause), 0);
	assert_memory_equal(buf, all.x + 90 * sz, 20 * sz * sizeof *buf);
	assert_ptr_equal(dataset_inputs(&part, 10, 91, buf, &cause), part.x + 10 * sz);
	const float *p = dataset_inputs(&part, 100, 2, buf, &cause);
	assert_ptr_equal(p, buf);
	assert_memory_equal(buf, all.x + 100 * sz, 2 * sz * sizeof *buf);
	free(buf);
	dataset_free(&all);
	dataset_free(&part);
	dataset_free(&none);
}

/* Two JPEGs of Darknet's as a .data set kept out of memory; one replaced by
 * the other after loading: "FILE: changed since it was loaded". */
static void test_changed_file(void **state)
{
	(void)state;
	const char *srcs[] = { "/usr/share/darknet/data/dog.jpg", "/usr/share/darknet/data/eagle.jpg" };
	if (access(srcs[0], R_OK) != 0 || access(srcs[1], R_OK) != 0)
		skip();
	char dir[] = "/tmp/test_dataset.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[2][1200], list[1200], labels[1200], data[1200], *cause = NULL;
	size_t len;
	for (int i = 0; i < 2; i++) {
		snprintf(path[i], sizeof path[i], "%s/%s", dir, i ? "eagle.jpg" : "dog.jpg");
		char *bytes = file_read_all(srcs[i], 1 << 24, &len, &cause);
		assert_non_null(bytes);
		FILE *f = fopen(path[i], "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(bytes, 1, len, f), len);
		fclose(f);
		free(bytes);
	}
	snprintf(list, sizeof list, "%s/valid.list", dir);
	snprintf(labels, sizeof labels, "%s/labels.txt", dir);
	snprintf(data, sizeof data, "%s/x.data", dir);
	FILE *f = fopen(list, "w");
	fprintf(f, "%s\n%s\n", path[0], path[1]);
	fclose(f);
	f = fopen(labels, "w");
	fprintf(f, "dog\neagle\n");
	fclose(f);
	f = fopen(data, "w");
	fprintf(f, "classes=2\nvalid=%s\nlabels=%s\n", list, labels);
	fclose(f);

	struct dataset d;
	struct dataset_options o = { .resize = backend_resize_crop, .cache_bytes = 1, .parallel = parallel_run };
	struct shape in = { 32, 32, 3 };
	assert_int_equal(dataset_load_data(data, in, &o, &d, &cause), 0);
	assert_int_equal(d.count, 2);
	assert_int_equal(dataset_cached(&d), 0);
	float *buf = xmalloc(2 * d.image_size * sizeof *buf);
	assert_int_equal(dataset_fetch(&d, 0, 2, buf, &cause), 0);	/* unchanged: fine */
	assert_int_equal(rename(path[1], path[0]), 0);	/* dog.jpg is now the eagle */
	assert_int_equal(dataset_fetch(&d, 1, 1, buf, &cause), -1);	/* eagle.jpg is gone */
	assert_non_null(strstr(cause, "eagle.jpg: changed since it was loaded"));
	free(cause);
	cause = NULL;
	assert_int_equal(dataset_fetch(&d, 0, 1, buf, &cause), -1);
	char want[1300];
	snprintf(want, sizeof want, "%s: changed since it was loaded", path[0]);
	assert_non_null(strstr(cause, want));
	free(cause);
	free(buf);
	dataset_free(&d);
	unlink(path[0]);
	unlink(list);
	unlink(labels);
	unlink(data);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_images),
		cmocka_unit_test(test_image_hash),
		cmocka_unit_test(test_partly_cached_equals_whole),
		cmocka_unit_test(test_changed_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
