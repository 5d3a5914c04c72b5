#include <signal.h>
#include <string.h>

#include "interrupt.h"

/* Written only by the signal handler, which can reach nothing but a static:
 * the one file-scope variable of the CLI that changes after start-up. Its
 * value is the signal's number, so the exit status can say which came.
 * Lock-free atomics are async-signal-safe. */
static atomic_int interrupted;

static void on_signal(int sig)
{
    atomic_store(&interrupted, sig);
    signal(sig, SIG_DFL);   /* a second one ends the process at once */
}

const atomic_int *interrupt_install(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
        sigaction(signals[i], &sa, NULL);
    return &interrupted;
}
