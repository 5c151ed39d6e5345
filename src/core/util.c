/* util.c - see util.h */
#include "core/util.h"
#include "core/exit_status.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void (*_Atomic fatal_hooks[4])(void);
static atomic_int fatal_nhooks;

void util_on_fatal(void (*hook)(void))
{
	int i = atomic_fetch_add(&fatal_nhooks, 1);
	if (i < 4)
		fatal_hooks[i] = hook;
}

/* The first thread out of memory reports and exits; any other one waits for
 * that exit instead of running exit() concurrently (which is not MT-safe). */
static void oom_exit(const char *msg) __attribute__((noreturn));
static void oom_exit(const char *msg)
{
	static atomic_flag once = ATOMIC_FLAG_INIT;
	if (atomic_flag_test_and_set(&once))
		for (;;)
			pause();
	int n = atomic_load(&fatal_nhooks);
	for (int i = (n < 4 ? n : 4) - 1; i >= 0; i--)
		if (fatal_hooks[i] != NULL)
			fatal_hooks[i]();
	/* write(2): stdio may itself need memory */
	size_t len = strlen(msg), off = 0;
	while (off < len) {
		ssize_t w = write(STDERR_FILENO, msg + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	/* _exit: exit()'s destructors join OpenBLAS's threads, which may be
	 * retrying a failed mmap forever under the same limit */
	_exit(EXIT_FAILURE_RUNTIME);
}

static void oom(size_t n)
{
	char msg[96];
	if (n == SIZE_MAX)
		snprintf(msg, sizeof msg, "safer: out of memory allocating more than %zu bytes\n", n);
	else
		snprintf(msg, sizeof msg, "safer: out of memory allocating %zu bytes\n", n);
	oom_exit(msg);
}

/* "12.3 MiB" / "4.5 GiB" */
static void human_bytes(char *buf, size_t size, double b)
{
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else
		snprintf(buf, size, "%.1f MiB", b / (1024.0 * 1024));
}

/* The first number after `key` in a /proc or /sys text file, or -1. */
static double file_number(const char *path, const char *key)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return -1;
	char line[256];
	double v = -1;
	size_t klen = key ? strlen(key) : 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (key != NULL && strncmp(line, key, klen) != 0)
			continue;
		char *end;
		double x = strtod(line + klen, &end);
		if (end != line + klen)
			v = x;
		break;
	}
	fclose(f);
	return v;
}

static void headroom_min(double *best, const char **limit, double v, const char *name)
{
	if (v < 0)
		v = 0;
	if (v < *best) {
		*best = v;
		*limit = name;
	}
}

double mem_headroom(const char **limit)
{
	double best = HUGE_VAL, page = (double)sysconf(_SC_PAGESIZE);
	const char *which = NULL;
	/* statm: total program size, resident, shared, text, lib, data+stack (pages) */
	unsigned long long vm = 0, data = 0, skip;
	FILE *f = fopen("/proc/self/statm", "re");
	if (f != NULL) {
		if (fscanf(f, "%llu %llu %llu %llu %llu %llu", &vm, &skip, &skip, &skip, &skip, &data) != 6)
			vm = data = 0;
		fclose(f);
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		headroom_min(&best, &which, (double)rl.rlim_cur - (double)vm * page, "ulimit -v");
	if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		headroom_min(&best, &which, (double)rl.rlim_cur - (double)data * page, "ulimit -d");
	double avail = file_number("/proc/meminfo", "MemAvailable:");
	double swap = file_number("/proc/meminfo", "SwapFree:");
	if (avail >= 0)
		headroom_min(&best, &which, (avail + (swap > 0 ? swap : 0)) * 1024, "available memory");
	/* cgroup v2, seen from inside its namespace ("max" reads as no number) */
	double max = file_number("/sys/fs/cgroup/memory.max", NULL);
	double cur = file_number("/sys/fs/cgroup/memory.current", NULL);
	if (max > 0 && cur >= 0)
		headroom_min(&best, &which, max - cur, "cgroup memory.max");
	if (limit != NULL)
		*limit = which;
	return best;
}

void mem_reserve(double bytes, const char *what)
{
	const char *limit;
	double room = mem_headroom(&limit);
	if (bytes <= room)
		return;
	char need[32], have[32], msg[1024];
	human_bytes(need, sizeof need, bytes);
	human_bytes(have, sizeof have, room);
	snprintf(msg, sizeof msg, "safer: out of memory: %s needs about %s, %s available (%s)\n",
	    what, need, have, limit);
	oom_exit(msg);
}

void mem_exhausted(const char *what)
{
	char msg[1024];
	snprintf(msg, sizeof msg, "safer: out of memory: %s\n", what);
	oom_exit(msg);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom(size != 0 && n > SIZE_MAX / size ? SIZE_MAX : n * size);
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		oom(SIZE_MAX);
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (q == NULL)
		oom(n * size);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return xstrdup("(message formatting failed)");
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int file_open_regular(const char *path, char **cause)
{
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		close(fd);
		return -1;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags != -1)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	return fd;
}

const char *file_magic_kind(const char *data, size_t len)
{
	static const struct { const char *magic; size_t n; const char *what; } sig[] = {
		{ "\xff\xd8\xff", 3, "a JPEG image" }, { "\x89PNG", 4, "a PNG image" },
		{ "GIF8", 4, "a GIF image" }, { "\x1f\x8b", 2, "gzip data" },
		{ "PK\x03\x04", 4, "a zip archive" }, { "\x7f" "ELF", 4, "a program" },
		{ "%PDF", 4, "a PDF document" },
	};
	for (size_t i = 0; i < sizeof sig / sizeof sig[0]; i++)
		if (len >= sig[i].n && memcmp(data, sig[i].magic, sig[i].n) == 0)
			return sig[i].what;
	return NULL;
}

char *file_read_all(const char *path, size_t max_bytes, size_t *len, char **cause)
{
	int fd = file_open_regular(path, cause);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "rb");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	if ((unsigned long long)st.st_size > max_bytes) {
		*cause = xasprintf("%s: file too large (%lld bytes, limit %zu)",
		    path, (long long)st.st_size, max_bytes);
		fclose(f);
		return NULL;
	}
	size_t n = (size_t)st.st_size;
	char *buf = xmalloc(n + 1);
	size_t got = fread(buf, 1, n, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || got != n) {
		*cause = xasprintf("%s: read error", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

uint64_t hash_fnv1a(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *hash_hex(uint64_t h)
{
	return xasprintf("%016" PRIx64, h);
}

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double thread_cpu_seconds(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return now_seconds();
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

float *xdup_floats(const float *x, size_t n)
{
	if (x == NULL)
		return NULL;
	float *y = xmalloc((n ? n : 1) * sizeof *y);
	memcpy(y, x, n * sizeof *y);
	return y;
}
