/* Whole maps (stats, diff): every row of a complete map read into arrays. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gridsweep/ensemble.h"
#include "gridsweep/map.h"
#include "gridsweep/map_netcdf.h"

void gs_map_grid_free(gs_map_grid *grid)
{
    gs_map_info_free(&grid->info);
    free(grid->outcome);
    free(grid->seed_outcome);
    free(grid->final_loss);
    free(grid->t_enter);
    free(grid->t_diverge);
    memset(grid, 0, sizeof *grid);
}

static int alloc_grid(const char *path, gs_map_grid *g, gs_error *err);

static int load_rows(FILE *f, const char *path, gs_map_grid *g, gs_error *err)
{
    const int64_t cells = g->info.cells;
    if (alloc_grid(path, g, err))
        return -1;
    const int seeds = g->seeds;
    gs_map_row row;
    gs_ens_row ens;
    gs_error e;
    for (int64_t i = 0;; i++) {
        int rc;
        if (seeds > 1) {   /* an ensemble: the mode, the means and every seed's outcome */
            if ((rc = gs_ens_read_row(f, &g->info, i, &ens, NULL, &e)) == 1) {
                gs_ens_project(&ens, &row);
                for (int s = 0; s < seeds; s++)
                    g->seed_outcome[i * seeds + s] = (uint8_t)(ens.seed_outcomes[s] - '0');
            }
        } else {
            rc = gs_map_read_row(f, &g->info, i, &row, NULL, &e);
        }
        if (rc < 0)
            return gs_fail(err, "%s: %s", path, e.msg);
        if (rc == 0) {
            if (i < cells)
                return gs_fail(err, "%s: truncated: %lld of %lld rows", path, (long long)i,
                               (long long)cells);
            return 0;
        }
        g->outcome[i] = (uint8_t)row.res.outcome;
        g->final_loss[i] = row.res.final_loss;
        g->t_enter[i] = row.res.t_enter;
        g->t_diverge[i] = row.res.t_diverge;
    }
}

/* The arrays of both loaders: an ensemble (seeds > 1) has every seed's outcome too. */
static int alloc_grid(const char *path, gs_map_grid *g, gs_error *err)
{
    const int64_t cells = g->info.cells;
    g->outcome = malloc((size_t)cells);
    g->final_loss = malloc((size_t)cells * sizeof *g->final_loss);
    g->t_enter = malloc((size_t)cells * sizeof *g->t_enter);
    g->t_diverge = malloc((size_t)cells * sizeof *g->t_diverge);
    const int seeds = g->seeds = g->info.seeds;
    if (seeds > 1)
        g->seed_outcome = malloc((size_t)cells * (size_t)seeds);
    if (!g->outcome || !g->final_loss || !g->t_enter || !g->t_diverge ||
        (seeds > 1 && !g->seed_outcome))
        return gs_fail(err, "%s: out of memory for %lld cells", path, (long long)cells);
    return 0;
}

/* A NetCDF map (gridsweep/map_netcdf.h), read a row of cells at a time. */
static int load_netcdf(const char *path, gs_map_grid *g, gs_error *err)
{
    gs_map_nc *m;
    if (gs_map_nc_open(path, false, &m, err))
        return -1;
    const gs_map_info *in = gs_map_nc_info(m);
    const int nx = in->x.n;
    gs_map_row *cells = NULL;
    int rc = 0;
    if (in->tile_n > 1)
        rc = gs_fail(err, "%s: is band %d/%d (rows %d:%d) of a tiled map; join the bands with "
                          "gridsweep merge first", path, in->tile_k, in->tile_n, in->row_lo,
                     in->row_hi);
    else if (gs_map_nc_rows(m) < in->y.n)
        rc = gs_fail(err, "%s: truncated: %lld of %lld cells (whole rows of cells only)", path,
                     (long long)gs_map_nc_rows(m) * nx, (long long)in->cells);
    if (!rc)
        rc = gs_map_nc_copy_info(m, &g->info, err);
    if (!rc) {
        g->nx = nx, g->ny = in->y.n;
        rc = alloc_grid(path, g, err);
    }
    if (!rc && !(cells = malloc((size_t)nx * sizeof *cells)))
        rc = gs_fail(err, "%s: out of memory", path);
    for (int iy = 0; !rc && iy < g->ny; iy++) {
        if ((rc = gs_map_nc_read_row(m, iy, cells, err)))
            break;
        for (int ix = 0; ix < nx; ix++) {
            const size_t i = (size_t)iy * (size_t)nx + (size_t)ix;
            g->outcome[i] = (uint8_t)cells[ix].res.outcome;
            g->final_loss[i] = cells[ix].res.final_loss;
            g->t_enter[i] = cells[ix].res.t_enter;
            g->t_diverge[i] = cells[ix].res.t_diverge;
        }
    }
    free(cells);
    gs_map_nc_close(m, NULL);
    return rc;
}

int gs_map_load(const char *path, gs_map_grid *grid, gs_error *err)
{
    memset(grid, 0, sizeof *grid);
    FILE *f = fopen(path, "rb");
    if (!f)
        return gs_fail(err, "%s: %s", path, strerror(errno));
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    unsigned char magic[4];
    const size_t n = fread(magic, 1, sizeof magic, f);
    if (gs_map_is_netcdf(magic, n)) {   /* the content decides, not the name */
        fclose(f);
        const int rc = load_netcdf(path, grid, err);
        if (rc)
            gs_map_grid_free(grid);
        return rc;
    }
    rewind(f);
    int rc = gs_map_read_header(f, path, &grid->info, err);
    const gs_map_info *in = &grid->info;
    if (rc == 0 && in->tile_n > 1)
        rc = gs_fail(err, "%s: is band %d/%d (rows %d:%d) of a tiled map; join the bands with "
                          "gridsweep merge first", path, in->tile_k, in->tile_n, in->row_lo,
                     in->row_hi);
    if (rc == 0) {
        grid->nx = in->x.n, grid->ny = in->y.n;
        rc = load_rows(f, path, grid, err);
    }
    fclose(f);
    if (rc)
        gs_map_grid_free(grid);
    return rc;
}
