#include <signal.h>
#include <string.h>

#include "interrupt.h"

/* The one global that changes after start-up: a signal handler can reach
 * nothing else. Lock-free atomics are async-signal-safe. */
static atomic_int interrupted;

static void on_signal(int sig)
{
    atomic_store(&interrupted, sig);
    signal(sig, SIG_DFL);
}

const atomic_int *interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &interrupted;
}
