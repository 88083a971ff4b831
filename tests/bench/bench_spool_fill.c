/* bench_spool_fill: spools N reports of K figures into an agent's spool, the way
 * the agent does (validate, then cchc_spool_put: one durable transaction each), and
 * prints the CPU and wall time per report. Used by tests/bench/run-agent.
 *   bench_spool_fill SPOOL UNIT N K */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "catalog.h"
#include "spool.h"
#include "util.h"
#include "validate.h"

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_spool_fill SPOOL UNIT N K\n");
        return 2;
    }
    long n = atol(argv[3]);
    int k = atoi(argv[4]);
    char err[512];
    cchc_spool_t *sp = cchc_spool_open(argv[1], err, sizeof err);
    cchc_catalog_t *cat = cchc_catalog_builtin();
    if (!sp || !cat || k < 1 || (size_t)k > cchc_catalog_indicator_count(cat)) {
        fprintf(stderr, "bench_spool_fill: %s\n", sp ? "K must be 1..18" : err);
        return 1;
    }
    Cchc__V1__Figure fv[32], *fp[32];
    for (int i = 0; i < k; i++) {
        cchc__v1__figure__init(&fv[i]);
        fv[i].indicator = (char *)cchc_catalog_indicator_at(cat, (size_t)i);
        fp[i] = &fv[i];
    }
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = 2026;
    period.index = 4;
    double c0 = cpu_s();
    int64_t t0 = cchc_mono_ms();
    for (long r = 0; r < n; r++) {
        Cchc__V1__Report rep = CCHC__V1__REPORT__INIT;
        for (int i = 0; i < k; i++)
            fv[i].value = 7; /* equal parts and wholes pass every rule */
        rep.unit = argv[2];
        rep.period = &period;
        rep.observed_at = (int64_t)time(NULL);
        rep.n_figures = (size_t)k;
        rep.figures = fp;
        Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
        uint8_t id[16] = {1};
        key.spool_id.data = id;
        key.spool_id.len = 16;
        key.seq = 1;
        rep.key = &key;
        if (cchc_validate_report(cat, &rep, rep.observed_at, err, sizeof err) != 0) {
            fprintf(stderr, "bench_spool_fill: %s\n", err);
            return 1;
        }
        rep.key = NULL;
        uint64_t seq;
        if (cchc_spool_put(sp, &rep, cchc_now_ms(), &seq, err, sizeof err) != 0) {
            fprintf(stderr, "bench_spool_fill: %s\n", err);
            return 1;
        }
    }
    double cpu = cpu_s() - c0;
    double wall = (double)(cchc_mono_ms() - t0) / 1000.0;
    printf("spooled %ld\nspool_cpu_us_per_report %.1f\nspool_wall_us_per_report %.1f\n", n,
           cpu * 1e6 / (double)n, wall * 1e6 / (double)n);
    cchc_spool_close(&sp);
    cchc_catalog_destroy(&cat);
    return 0;
}
