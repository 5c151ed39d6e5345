/* interrupt.c - see interrupt.h. */
#include "core/interrupt.h"

#include <string.h>

volatile sig_atomic_t interrupt_signal;

static void on_signal(int sig)
{
	interrupt_signal = sig;
}

void interrupt_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int interrupt_exit_status(void)
{
	return 128 + (interrupt_signal ? interrupt_signal : SIGINT);
}
