/* prompt.h - a question on the status line (y/n, or a line of text such as a
 * file name) that takes the keyboard until answered; `done` is called with
 * the answer once it is closed (it may open another prompt). */
#ifndef SAFER_TUI_PROMPT_H
#define SAFER_TUI_PROMPT_H

#include "tui/state/types.h"

void tui_prompt_yesno(struct tui *t, const char *question, tui_prompt_done done);
void tui_prompt_text(struct tui *t, const char *label, const char *initial, tui_prompt_done done);
/* Text editing: append one byte, remove the last character (UTF-8), clear. */
void tui_prompt_insert(struct tui *t, int byte);
void tui_prompt_erase(struct tui *t);
void tui_prompt_clear(struct tui *t);
/* Closes the prompt and calls its `done`. */
void tui_prompt_finish(struct tui *t, int accepted);

#endif
