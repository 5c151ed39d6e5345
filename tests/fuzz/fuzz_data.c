/* fuzz_data.c - the .data key=value reader and Darknet's label-in-path rule.
 *
 * The whole input is parsed as a .data file; it is also read as a path (first
 * line) plus class names (following lines) for label_of_path. */
#include "fuzz.h"
#include "formats/dataset.h"

#define MAX_NAMES 64

static void fuzz_data_file(const char *text)
{
	struct data_file df;
	char *cause = NULL;
	if (data_file_parse("fuzz.data", text, &df, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && df.n == 0 && df.keys == NULL);
		free(cause);
		return;
	}
	FUZZ_CHECK(cause == NULL && df.n >= 0);
	for (int i = 0; i < df.n; i++) {
		/* keys are stripped and non-empty; the first duplicate wins */
		FUZZ_CHECK(df.keys[i][0] != '\0' && strpbrk(df.keys[i], " \t\n=") == NULL);
		const char *v = data_file_get(&df, df.keys[i]);
		FUZZ_CHECK(v != NULL);
	}
	static const char *const keys[] = { "classes", "valid", "labels", "names", "top", "" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		(void)data_file_get(&df, keys[i]);
	data_file_free(&df);
}

static void fuzz_label(char *text)
{
	char *names[MAX_NAMES];
	int classes = 0;
	char *path = text, *nl = strchr(text, '\n');
	if (nl != NULL) {
		*nl = '\0';
		for (char *p = nl + 1; p != NULL && classes < MAX_NAMES; ) {
			names[classes++] = p;
			p = strchr(p, '\n');
			if (p != NULL)
				*p++ = '\0';
		}
	}
	int r = label_of_path(path, names, classes);
	FUZZ_CHECK(r >= -2 && r < classes);
	if (r >= 0)
		FUZZ_CHECK(names[r][0] != '\0' && strstr(path, names[r]) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	fuzz_data_file(text);
	fuzz_label(text);	/* cuts text into lines: runs last */
	free(text);
	return 0;
}
