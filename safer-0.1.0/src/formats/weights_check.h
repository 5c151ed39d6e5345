/* weights_check.h - what Darknet's load_weights never checks: that a weights
 * file's header is sane and its size is exactly what the network needs. */
#ifndef SAFER_WEIGHTS_CHECK_H
#define SAFER_WEIGHTS_CHECK_H

#include <stddef.h>

/* Bytes of the file start the check reads. */
#define WEIGHTS_HEAD_BYTES 20

/* head: the first min(size, WEIGHTS_HEAD_BYTES) bytes; size: file size;
 * floats: parameters the parsed cfg reads.  Pure (no I/O): 0, or -1 with
 * *cause "PATH: problem". */
int weights_check_header(const char *path, const unsigned char *head, size_t size, size_t floats,
    const char *cfg_path, char **cause);

/* Opens path, reads its head and size, then weights_check_header. */
int weights_check_file(const char *path, size_t floats, const char *cfg_path, size_t *bytes, char **cause);

#endif
