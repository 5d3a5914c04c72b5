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
    printf("gridsweep %s\nSLEEF %s\nkernels: %s (%s%s; %d lanes per block)\n", GS_VERSION,
           GS_SLEEF_VERSION, gs_isa_name(k->isa),
           cli_isa_source(set) ? "forced with " : "picked for this CPU",
           cli_isa_source(set) ? cli_isa_source(set) : "", k->lanes);
    return 0;
}
