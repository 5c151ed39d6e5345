/* test_atomic.c - atomic writes: a committed file has the new content and no
 * temporary is left; an aborted one leaves the old file as it was; and a
 * process that runs out of memory while temporaries are open removes them
 * before it exits 1 (util_on_fatal), naming the failure on stderr. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/util.h"

static char dir[] = "/tmp/safer-test-atomic-XXXXXX";

/* Entries in dir besides . and .. */
static int entries(char *first, size_t size)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			if (n++ == 0 && first)
				snprintf(first, size, "%s", e->d_name);
		}
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	size_t len = 0;
	char *cause = NULL, *text = file_read_all(path, 1 << 20, &len, &cause);
	free(cause);
	return text;
}

static void test_commit_and_abort(void **state)
{
	(void)state;
	char *path = xasprintf("%s/out.txt", dir), *cause = NULL;
	struct atomic_file a;
	assert_int_equal(atomic_open(&a, path, &cause), 0);
	fputs("new\n", a.f);
	assert_int_equal(entries(NULL, 0), 1);	/* only the temporary */
	assert_int_equal(atomic_commit(&a, &cause), 0);
	char *text = slurp(path);
	assert_string_equal(text, "new\n");
	free(text);

	assert_int_equal(atomic_open(&a, path, &cause), 0);
	fputs("half", a.f);
	atomic_abort(&a);
	text = slurp(path);
	assert_string_equal(text, "new\n");
	free(text);
	assert_int_equal(entries(NULL, 0), 1);
	unlink(path);
	free(path);
}

static void test_oom_removes_temporaries(void **state)
{
	(void)state;
#ifdef __SANITIZE_ADDRESS__
	skip();	/* ASan aborts on an impossible size instead of returning NULL */
#endif
	int err[2];
	assert_int_equal(pipe(err), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(err[1], STDERR_FILENO);
		char *path = xasprintf("%s/a.txt", dir), *path2 = xasprintf("%s/b.txt", dir), *cause = NULL;
		struct atomic_file a, b;
		if (atomic_open(&a, path, &cause) != 0 || atomic_open(&b, path2, &cause) != 0)
			_exit(3);
		fputs("partial", a.f);
		volatile size_t huge = (size_t)1 << 62;
		void *p = xmalloc(huge);	/* exits 1 */
		(void)p;
		_exit(4);
	}
	close(err[1]);
	char msg[256] = "";
	ssize_t n = read(err[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(err[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(msg, "safer: out of memory"));
	char left[256] = "";
	int count = entries(left, sizeof left);
	if (count != 0)
		fail_msg("left behind: %s", left);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_and_abort),
		cmocka_unit_test(test_oom_removes_temporaries),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
