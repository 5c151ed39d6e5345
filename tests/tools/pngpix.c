/* pngpix.c - decodes a PNG with stb_image for the figure tests (plot.sh,
 * report.sh): "pngpix FILE" prints "WIDTH HEIGHT DISTINCT" (DISTINCT: the
 * number of different colours, capped at 1000), "pngpix FILE X,Y ..." prints
 * "R G B" of each pixel, one line each. */
#include <stb_image.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int w, h, n;
	if (argc < 2) {
		fprintf(stderr, "usage: pngpix FILE [X,Y ...]\n");
		return 2;
	}
	unsigned char *px = stbi_load(argv[1], &w, &h, &n, 3);
	if (px == NULL) {
		fprintf(stderr, "pngpix: %s: %s\n", argv[1], stbi_failure_reason());
		return 1;
	}
	if (argc == 2) {
		enum { CAP = 1000 };
		static unsigned seen[CAP];
		int distinct = 0;
		for (long i = 0; i < (long)w * h && distinct < CAP; i++) {
			unsigned c = (unsigned)px[3 * i] << 16 | (unsigned)px[3 * i + 1] << 8 | px[3 * i + 2];
			int j;
			for (j = 0; j < distinct && seen[j] != c; j++)
				;
			if (j == distinct)
				seen[distinct++] = c;
		}
		printf("%d %d %d\n", w, h, distinct);
	}
	for (int a = 2; a < argc; a++) {
		int x, y;
		if (sscanf(argv[a], "%d,%d", &x, &y) != 2 || x < 0 || y < 0 || x >= w || y >= h) {
			fprintf(stderr, "pngpix: %s: not X,Y inside %dx%d\n", argv[a], w, h);
			return 2;
		}
		const unsigned char *p = px + ((size_t)y * w + x) * 3;
		printf("%d %d %d\n", p[0], p[1], p[2]);
	}
	stbi_image_free(px);
	return 0;
}
