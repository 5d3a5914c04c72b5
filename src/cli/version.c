#include <stdio.h>

#include "cli.h"
#include "gridsweep/version.h"
#include "options.h"

int print_version(const cli_optset *set, gs_isa isa)
{
    const gs_kernels *k;
    int rc = cli_pick_kernels(set, isa, &k);
    if (rc)
        return rc;
    printf("gridsweep %s\nSLEEF %s\nkernels: %s (%s; %d lanes per block)\n", GS_VERSION,
           GS_SLEEF_VERSION, gs_isa_name(k->isa),
           cli_seen(set, "--isa") ? "forced with --isa" : "picked for this CPU", k->lanes);
    return 0;
}
