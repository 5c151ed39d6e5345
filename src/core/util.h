/* util.h - allocation that cannot fail silently, formatted messages, file helpers.
 *
 * Recoverable errors in safer follow one convention (borrowed from tmux):
 * a function returns -1 (or NULL) and hands back an allocated message through
 * `char **cause`; the caller shows it and frees it.  Only main() decides to exit. */
#ifndef SAFER_UTIL_H
#define SAFER_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* On failure these print "safer: out of memory allocating N bytes" and exit 1
 * (EXIT_FAILURE_RUNTIME); a second thread failing meanwhile waits for that exit. */

/* Registers a hook that the out-of-memory exit (xmalloc and friends,
 * mem_reserve, mem_exhausted) runs, newest first, before it reports and ends
 * the process: undo what must not outlive it, such as terminal modes and
 * temporary files.  A hook must not allocate.  At most 4; more are ignored. */
void util_on_fatal(void (*hook)(void));

/* Bytes this process can still obtain: the least of what RLIMIT_AS and
 * RLIMIT_DATA leave above its current mappings, MemAvailable + SwapFree, and
 * its cgroup's memory.max - memory.current.  *limit (may be NULL) names the
 * binding one ("ulimit -v", "ulimit -d", "available memory", "cgroup
 * memory.max").  HUGE_VAL when nothing is known. */
double mem_headroom(const char **limit);

/* For memory that cannot be checked as it is allocated (Darknet's unchecked
 * callocs): when `bytes` exceed mem_headroom(), prints "safer: out of memory:
 * WHAT needs about X, Y available (LIMIT)" and exits 1, as xmalloc does. */
void mem_reserve(double bytes, const char *what);
/* Prints "safer: out of memory: WHAT" and exits 1, for a failure seen after
 * the fact (a child process that ran out). */
void mem_exhausted(const char *what) __attribute__((noreturn));

/* Opens a file for reading only if it is a regular file: a FIFO, a device or
 * a directory is refused with "PATH: not a regular file" without blocking
 * (the open itself never waits for a writer).  Returns the descriptor
 * (O_CLOEXEC, blocking mode restored), or -1 with *cause. */
int file_open_regular(const char *path, char **cause);

/* Reads a whole regular file into memory (NUL-terminated for convenience).
 * Refuses what file_open_regular refuses and files above max_bytes.  Returns
 * NULL and sets *cause. */
char *file_read_all(const char *path, size_t max_bytes, size_t *len, char **cause);
/* What a file is by its first bytes when it is plainly no text file ("a
 * JPEG image", "a PNG image", "gzip data", ...), else NULL: a picture given
 * where a cfg, a budget or a result file belongs is named as what it is. */
const char *file_magic_kind(const char *data, size_t len);

/* FNV-1a 64-bit hash, used for self-describing result files and restore checks. */
uint64_t hash_fnv1a(const void *data, size_t len, uint64_t seed);
#define HASH_FNV1A_INIT 0xcbf29ce484222325ULL
/* A 64-bit checksum as result files and the explorer show it: 16 lowercase
 * hex digits, zero-padded (allocated). */
char *hash_hex(uint64_t h);

/* Whole-string number parsing: 0, or -1 on empty input, trailing text,
 * overflow or (parse_long) a value outside [lo, hi]. */
int parse_double(const char *s, double *out);
int parse_long(const char *s, long lo, long hi, long *out);
/* A non-negative decimal that fits 64 bits (seeds). */
int parse_u64(const char *s, uint64_t *out);

/* An allocated copy of n floats; NULL stays NULL. */
float *xdup_floats(const float *x, size_t n);

/* Monotonic clock in seconds. */
double now_seconds(void);
/* CPU time of the calling thread: what a step costs whatever else runs on
 * the machine (timings on a shared machine). */
double thread_cpu_seconds(void);

#endif
