/* cchc-make-report-corpus: writes the seed corpus of fuzz_report: encoded cchc.v1.Report
 * messages as the agent sends them (valid ones, a correction, a final report) and one
 * per broken validation rule, dated against CCHC_FUZZ_NOW. The output is the same on
 * every run, so regenerating changes no file unless this program changed:
 *
 *   build/fuzz/tests/fuzz/cchc-make-report-corpus tests/fuzz/corpus/report
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cchc/v1/cchc.pb-c.h"
#include "fuzz.h"

#define DAY 86400
#define MAX_FIGS 600

typedef struct {
    const char *code;
    int64_t value;
} fig_t;

/* One seed. Zero fields mean: the usual (a 16-byte spool id, seq 1, Q3 2026, observed
 * an hour before CCHC_FUZZ_NOW). */
typedef struct {
    const char *file;
    bool no_key, no_period, final;
    size_t spool_id_len; /* 0: 16 */
    uint64_t seq;        /* 0: 1, unless seq_zero */
    bool seq_zero;
    const char *unit;
    int kind; /* 0: quarter; -1: PERIOD_KIND_UNSPECIFIED */
    unsigned year, index;
    int64_t observed_at; /* 0: CCHC_FUZZ_NOW - 3600 */
    const char *note;
    fig_t figs[24];
    size_t n_generated; /* instead of figs: this many figures "gNNN" = 1 */
    const char *tail;   /* raw bytes appended to the encoding (an unknown field) */
    size_t tail_len;
    bool truncate;      /* write only the first half of the encoding */
} seed_t;

/* The figures scripts/sample-source gives, as a one-stop-shop system would. */
#define ONE_STOP_SHOP                                                                        \
    {"dossier_received", 1250}, {"dossier_received_online", 1010}, {"dossier_resolved", 1150}, \
    {"dossier_resolved_on_time", 1098}, {"dossier_overdue", 52}, {"dossier_digitized", 1190},  \
    {"dossier_data_reused", 830}, {"dossier_result_electronic", 920}, {"document_issued", 161},  \
    {"document_signed", 158}, {"satisfaction_votes", 88}, {"satisfaction_satisfied", 85}

static const seed_t seeds[] = {
    /* accepted */
    {.file = "valid-quarter", .unit = "VPUB-TTPVHCC", .figs = {ONE_STOP_SHOP}},
    {.file = "valid-border-gate", .unit = "BQLKKT-MLT", .seq = 42,
     .figs = {{"border_vehicles_coordinated", 4210}, {"border_fee_collected_vnd", 631500000},
              {"border_fee_electronic_vnd", 549405000}, {"dossier_received", 37},
              {"dossier_resolved", 37}, {"dossier_resolved_on_time", 37}}},
    {.file = "valid-final-half-year", .unit = "SNV", .kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_HALF_YEAR,
     .index = 1, .final = true, .seq = 3, .figs = {ONE_STOP_SHOP}},
    {.file = "valid-correction", .unit = "VPUB-TTPVHCC", .index = 2, .final = true, .seq = 97,
     .note = "correction: dossier_resolved re-counted after the June audit (Biên bản 12/BB)",
     .figs = {{"dossier_received", 1180}, {"dossier_resolved", 1102}, {"dossier_resolved_on_time", 1075}}},
    {.file = "valid-month", .unit = "VPUB-HCQT", .kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_MONTH,
     .index = 8, .figs = {{"document_issued", 23}, {"document_signed", 23}, {"document_processed_online", 20}}},
    {.file = "valid-year", .unit = "BQLKKT-VP", .kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_YEAR,
     .index = 1, .figs = {{"procedure_total", 64}, {"procedure_full_online", 41}}},
    {.file = "valid-parts-equal-wholes", .unit = "VPUB-TTTHCB", .observed_at = CCHC_FUZZ_NOW + DAY,
     .figs = {{"dossier_received", 0}, {"dossier_received_online", 0}, {"satisfaction_votes", 9},
              {"satisfaction_satisfied", 9}, {"dossier_resolved", 1}, {"dossier_overdue", 1}}},
    /* rejected, one per rule */
    {.file = "key_missing-no-key", .no_key = true, .unit = "SNV", .figs = {ONE_STOP_SHOP}},
    {.file = "key_missing-short-spool-id", .spool_id_len = 8, .unit = "SNV", .figs = {ONE_STOP_SHOP}},
    {.file = "key_missing-seq-zero", .seq_zero = true, .unit = "SNV", .figs = {ONE_STOP_SHOP}},
    {.file = "unknown_field", .unit = "SNV", .figs = {{"dossier_received", 5}},
     .tail = "\x78\x01", .tail_len = 2}, /* field 15, varint 1 */
    {.file = "unit_missing", .unit = "", .figs = {ONE_STOP_SHOP}},
    {.file = "unit_unknown", .unit = "UBND-XA-MUONG-SO", .figs = {ONE_STOP_SHOP}},
    {.file = "unit_unknown-control-chars", .unit = "VPUB\x1b[31m\r\n\xc3\xa9", .figs = {{"dossier_received", 5}}},
    {.file = "period_invalid-kind", .unit = "SNV", .kind = -1, .figs = {ONE_STOP_SHOP}},
    {.file = "period_invalid-year", .unit = "SNV", .year = 1999, .figs = {ONE_STOP_SHOP}},
    {.file = "period_invalid-index", .unit = "SNV", .index = 5, .figs = {ONE_STOP_SHOP}},
    {.file = "period_invalid-missing", .no_period = true, .unit = "SNV", .figs = {ONE_STOP_SHOP}},
    {.file = "period_not_started", .unit = "SNV", .index = 4, .figs = {ONE_STOP_SHOP}},
    {.file = "observed_in_future", .unit = "SNV", .observed_at = CCHC_FUZZ_NOW + 2 * DAY,
     .figs = {ONE_STOP_SHOP}},
    {.file = "no_figures", .unit = "SNV"},
    {.file = "too_many_figures", .unit = "SNV", .n_generated = 513},
    {.file = "indicator_unknown", .unit = "SNV", .figs = {{"dossier_received", 5}, {"dossiers_lost", 1}}},
    {.file = "indicator_repeated", .unit = "SNV",
     .figs = {{"dossier_received", 5}, {"dossier_resolved", 4}, {"dossier_received", 6}}},
    {.file = "count_negative", .unit = "SNV", .figs = {{"dossier_received", 5}, {"document_issued", -1}}},
    {.file = "part_exceeds_whole", .unit = "SNV",
     .figs = {{"dossier_received", 1250}, {"dossier_received_online", 1300}}},
    /* not a report at all */
    {.file = "truncated", .unit = "VPUB-TTPVHCC", .figs = {ONE_STOP_SHOP}, .truncate = true},
};

static int write_seed(const char *dir, const seed_t *s)
{
    static char gen_codes[MAX_FIGS][8];
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    Cchc__V1__Figure fv[MAX_FIGS];
    Cchc__V1__Figure *fp[MAX_FIGS];
    uint8_t spool_id[16];
    size_t n = 0;

    /* Each unit its own spool id, as each site has its own spool. */
    for (size_t i = 0; i < sizeof spool_id; i++)
        spool_id[i] = (uint8_t)(0x5a ^ (i * 37) ^ (s->unit && s->unit[0] ? (uint8_t)s->unit[i % strlen(s->unit)] : 0));
    key.spool_id.data = spool_id;
    key.spool_id.len = s->spool_id_len ? s->spool_id_len : sizeof spool_id;
    key.seq = s->seq_zero ? 0 : s->seq ? s->seq : 1;
    period.kind = s->kind < 0 ? CCHC__V1__PERIOD_KIND__PERIOD_KIND_UNSPECIFIED
                  : s->kind ? (Cchc__V1__PeriodKind)s->kind
                            : CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = s->year ? s->year : 2026;
    period.index = s->index ? s->index : 3;
    r.key = s->no_key ? NULL : &key;
    r.unit = (char *)(s->unit ? s->unit : "");
    r.period = s->no_period ? NULL : &period;
    r.observed_at = s->observed_at ? s->observed_at : CCHC_FUZZ_NOW - 3600;
    r.final = s->final;
    r.note = (char *)(s->note ? s->note : "");
    if (s->n_generated) {
        for (; n < s->n_generated && n < MAX_FIGS; n++) {
            snprintf(gen_codes[n], sizeof gen_codes[n], "g%03zu", n);
            cchc__v1__figure__init(&fv[n]);
            fv[n].indicator = gen_codes[n];
            fv[n].value = 1;
            fp[n] = &fv[n];
        }
    } else {
        for (; n < sizeof s->figs / sizeof s->figs[0] && s->figs[n].code; n++) {
            cchc__v1__figure__init(&fv[n]);
            fv[n].indicator = (char *)s->figs[n].code;
            fv[n].value = s->figs[n].value;
            fp[n] = &fv[n];
        }
    }
    r.n_figures = n;
    r.figures = n ? fp : NULL;

    size_t len = cchc__v1__report__get_packed_size(&r);
    uint8_t *buf = malloc(len + s->tail_len);
    if (!buf)
        return -1;
    cchc__v1__report__pack(&r, buf);
    if (s->tail_len)
        memcpy(buf + len, s->tail, s->tail_len);
    len += s->tail_len;
    if (s->truncate)
        len /= 2;

    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, s->file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cchc-make-report-corpus: %s: %s\n", path, strerror(errno));
        free(buf);
        return -1;
    }
    free(buf);
    printf("%s (%zu bytes)\n", path, len);
    return 0;
}

/* A cchc.v1.ReportBatch as cchc-agent sends it: the seeds named here, as elements. */
static int write_batch_seed(const char *dir)
{
    static const char *const parts[] = {"valid-quarter", "count_negative", "truncated", "valid-final-half-year"};
    enum { N = sizeof parts / sizeof parts[0] };
    ProtobufCBinaryData el[N];
    uint8_t data[N][4096];
    char path[4096];
    for (size_t i = 0; i < N; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, parts[i]);
        FILE *f = fopen(path, "rb");
        el[i].len = f ? fread(data[i], 1, sizeof data[i], f) : 0;
        el[i].data = data[i];
        if (f)
            fclose(f);
    }
    Cchc__V1__ReportBatch b = CCHC__V1__REPORT_BATCH__INIT;
    b.n_reports = N;
    b.reports = el;
    size_t len = cchc__v1__report_batch__get_packed_size(&b);
    uint8_t *buf = malloc(len);
    if (!buf)
        return -1;
    cchc__v1__report_batch__pack(&b, buf);
    snprintf(path, sizeof path, "%s/batch-mixed", dir);
    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cchc-make-report-corpus: %s: %s\n", path, strerror(errno));
        rc = -1;
    } else {
        printf("%s (%zu bytes)\n", path, len);
    }
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cchc-make-report-corpus DIR\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        if (write_seed(argv[1], &seeds[i]) != 0)
            return 1;
    return write_batch_seed(argv[1]);
}
