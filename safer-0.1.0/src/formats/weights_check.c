/* weights_check.c - see weights_check.h */
#include "formats/weights_check.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int32_t le32(const unsigned char *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

int weights_check_header(const char *path, const unsigned char *head, size_t size, size_t floats,
    const char *cfg_path, char **cause)
{
	if (size == 0) {
		*cause = xasprintf("%s: empty file", path);
		return -1;
	}
	if (size < 16) {
		*cause = xasprintf("%s: too short for a Darknet weights header (%zu bytes)", path, size);
		return -1;
	}
	int32_t major = le32(head), minor = le32(head + 4), revision = le32(head + 8);
	/* Darknet writes 0.2.0; transposed (>1000) files come from other tools */
	if (major < 0 || minor < 0 || revision < 0 || major >= 1000 || minor >= 1000) {
		*cause = xasprintf("%s: not a Darknet weights file (header version %d.%d.%d)", path,
		    (int)major, (int)minor, (int)revision);
		return -1;
	}
	size_t seen = (major * 10 + minor >= 2) ? sizeof(uint64_t) : sizeof(int32_t);
	if (floats > (SIZE_MAX - 32) / sizeof(float)) {
		*cause = xasprintf("%s: %s needs an impossible number of parameters", path, cfg_path);
		return -1;
	}
	size_t want = 12 + seen + floats * sizeof(float);
	if (size < want) {
		*cause = xasprintf("%s: truncated: %zu bytes, but %s needs %zu (%zu parameters)",
		    path, size, cfg_path, want, floats);
		return -1;
	}
	if (size > want) {
		*cause = xasprintf("%s: %zu bytes longer than %s needs (%zu): weights for another network?",
		    path, size - want, cfg_path, want);
		return -1;
	}
	return 0;
}

int weights_check_file(const char *path, size_t floats, const char *cfg_path, size_t *bytes, char **cause)
{
	int fd = file_open_regular(path, cause);
	if (fd < 0)
		return -1;
	struct stat st;
	unsigned char head[WEIGHTS_HEAD_BYTES] = { 0 };
	int rc = -1;
	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
	} else if (pread(fd, head, sizeof head, 0) < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
	} else {
		rc = weights_check_header(path, head, (size_t)st.st_size, floats, cfg_path, cause);
		*bytes = (size_t)st.st_size;
	}
	close(fd);
	return rc;
}
