#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

#define TTY_PERIOD 0.2
#define LOG_PERIOD 5.0

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void hms(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static void show(progress *p, double now, bool final)
{
    const double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    const double elapsed = now - p->t0;
    const double rate = elapsed > 0 ? (double)(p->done - p->start_done) / elapsed : 0;
    char eta[32];
    hms(eta, sizeof eta, rate > 0 ? (double)(p->total - p->done) / rate : 0);
    if (p->tty) {
        char bar[31];
        int full = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < full ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r%s [%s] %lld/%lld cells %5.1f%% %.0f cells/s left %s\033[K%s",
                p->label, bar, (long long)p->done, (long long)p->total, 100 * frac, rate, eta,
                final ? "\n" : "");
    } else {
        fprintf(stderr, "%s: %lld/%lld cells (%.1f%%), %.0f cells/s, %s left\n", p->label,
                (long long)p->done, (long long)p->total, 100 * frac, rate, eta);
    }
    fflush(stderr);
    p->last = now;
}

void progress_start(progress *p, const char *label, int64_t done, int64_t total, bool quiet)
{
    *p = (progress){.label = label, .total = total, .done = done, .start_done = done,
                    .tty = isatty(2), .quiet = quiet, .t0 = progress_now()};
    p->last = p->t0;
}

void progress_add(progress *p, int64_t cells)
{
    p->done += cells;
    if (p->quiet)
        return;
    const double now = progress_now();
    if (now - p->last >= (p->tty ? TTY_PERIOD : LOG_PERIOD))
        show(p, now, false);
}

void progress_end(progress *p)
{
    if (!p->quiet && (p->tty || progress_now() - p->t0 >= LOG_PERIOD))
        show(p, progress_now(), true);
}
