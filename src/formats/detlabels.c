/* detlabels.c - see detlabels.h */
#include "formats/detlabels.h"
#include "core/inputs.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A label file larger than this is not a label file. */
#define LABELS_MAX (64u << 20)

/* Darknet's find_replace: the first occurrence of `from` only. */
static char *replace_first(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);
	if (p == NULL)
		return s;
	char *r = xasprintf("%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	free(s);
	return r;
}

char *detlabels_path(const char *image_path)
{
	static const char *const rules[][2] = {
		{ "images", "labels" }, { "JPEGImages", "labels" }, { "raw", "labels" },
		{ ".jpg", ".txt" }, { ".png", ".txt" }, { ".JPG", ".txt" }, { ".JPEG", ".txt" },
	};
	char *s = xstrdup(image_path);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		s = replace_first(s, rules[i][0], rules[i][1]);
	return s;
}

char *detlabels_image_id(const char *image_path)
{
	const char *base = strrchr(image_path, '/');
	base = base ? base + 1 : image_path;
	return xasprintf("%.*s", (int)strcspn(base, "."), base);
}

static int parse_float(const char *tok, float *out)
{
	double v;
	if (parse_double(tok, &v) != 0 || !isfinite(v) || fabs(v) > 1e30)
		return -1;
	*out = (float)v;
	return 0;
}

/* One line of a label file into *t; NULL, or what is wrong with it. */
static const char *parse_line(char *line, int classes, struct det_truth *t)
{
	char *tok[6], *save = NULL;
	int n = 0;
	for (char *p = strtok_r(line, " \t\r", &save); p != NULL && n < 6; p = strtok_r(NULL, " \t\r", &save))
		tok[n++] = p;
	if (n != 5)
		return "expected 5 fields: class cx cy w h";
	long cls;
	if (parse_long(tok[0], 0, classes - 1, &cls) != 0)
		return "the class must be an integer from 0 to classes-1";
	float v[4];
	for (int i = 0; i < 4; i++)
		if (parse_float(tok[1 + i], &v[i]) != 0)
			return "cx cy w h must be finite numbers";
	if (v[2] < 0 || v[3] < 0)
		return "w and h must not be negative";
	*t = (struct det_truth){ { v[0], v[1], v[2], v[3] }, (int)cls };
	return NULL;
}

int detlabels_read(const char *path, int classes, struct det_truth **out, int *n, char **cause)
{
	struct stat st;
	*out = NULL;
	*n = 0;
	if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;	/* no label file: an image without objects */
	inputs_note(path);
	size_t len;
	char *text = file_read_all(path, LABELS_MAX, &len, cause);
	if (text == NULL)
		return -1;
	if (memchr(text, '\0', len) != NULL) {
		*cause = xasprintf("%s: a NUL byte: not a Darknet label file", path);
		free(text);
		return -1;
	}
	int cap = 0, lineno = 0;
	struct det_truth *t = NULL;
	for (char *p = text, *next; p != NULL && *p != '\0'; p = next) {
		char *nl = strchr(p, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (strspn(p, " \t\r") == strlen(p))
			continue;	/* blank lines say nothing */
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			t = xreallocarray(t, (size_t)cap, sizeof *t);
		}
		const char *why = parse_line(p, classes, &t[*n]);
		if (why != NULL) {
			*cause = xasprintf("%s:%d: %s", path, lineno, why);
			free(t);
			free(text);
			*n = 0;
			return -1;
		}
		(*n)++;
	}
	free(text);
	*out = t;
	return 0;
}
