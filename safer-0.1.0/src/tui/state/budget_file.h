/* budget_file.h - the working budget and files: write (atomic), load, export
 * of the budgeted weights.  Failures come back as *cause for the status line. */
#ifndef SAFER_TUI_BUDGET_FILE_H
#define SAFER_TUI_BUDGET_FILE_H

struct tui;

int tui_budget_file_write(struct tui *t, const char *path, char **cause);
int tui_budget_file_load(struct tui *t, const char *path, char **cause);
int tui_budget_file_export(struct tui *t, const char *path, char **cause);
/* "<cfg base><suffix>"; the caller frees. */
char *tui_budget_file_default_path(const struct tui *t, const char *suffix);

#endif
