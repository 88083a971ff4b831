/* Wire schema round trips: what the agent packs is what the collector unpacks. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cchc/v1/cchc.pb-c.h"
#include "validate.h"

static uint8_t *pack_report(const Cchc__V1__Report *r, size_t *len)
{
    *len = cchc__v1__report__get_packed_size(r);
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(cchc__v1__report__pack(r, buf), *len);
    return buf;
}

static void test_report_round_trip(void **state)
{
    (void)state;
    uint8_t id[16];
    for (int i = 0; i < 16; i++)
        id[i] = (uint8_t)(0xa0 + i);
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    key.spool_id.data = id;
    key.spool_id.len = 16;
    key.seq = UINT64_C(18446744073709551615);
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = 2026;
    period.index = 3;
    Cchc__V1__Figure f1 = CCHC__V1__FIGURE__INIT, f2 = CCHC__V1__FIGURE__INIT;
    f1.indicator = "dossier_received";
    f1.value = INT64_MAX;
    f2.indicator = "dossier_received_online";
    f2.value = 0; /* zero is a figure, distinct from absent */
    Cchc__V1__Figure *figs[2] = {&f1, &f2};
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    r.key = &key;
    r.unit = "VPUB-TTPVHCC";
    r.period = &period;
    r.observed_at = 1790000000;
    r.final = true;
    r.n_figures = 2;
    r.figures = figs;
    r.note = "Sửa số liệu quý 3 theo báo cáo bổ sung";

    size_t len;
    uint8_t *buf = pack_report(&r, &len);
    Cchc__V1__Report *back = cchc__v1__report__unpack(NULL, len, buf);
    assert_non_null(back);
    assert_non_null(back->key);
    assert_int_equal(back->key->spool_id.len, 16);
    assert_memory_equal(back->key->spool_id.data, id, 16);
    assert_true(back->key->seq == UINT64_C(18446744073709551615));
    assert_string_equal(back->unit, "VPUB-TTPVHCC");
    assert_int_equal(back->period->kind, CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER);
    assert_int_equal(back->period->year, 2026);
    assert_int_equal(back->period->index, 3);
    assert_int_equal(back->observed_at, 1790000000);
    assert_true(back->final);
    assert_string_equal(back->note, "Sửa số liệu quý 3 theo báo cáo bổ sung");
    assert_int_equal(back->n_figures, 2);
    assert_string_equal(back->figures[0]->indicator, "dossier_received");
    assert_true(back->figures[0]->value == INT64_MAX);
    assert_string_equal(back->figures[1]->indicator, "dossier_received_online");
    assert_int_equal(back->figures[1]->value, 0);
    cchc__v1__report__free_unpacked(back, NULL);
    free(buf);
}

/* A newer agent's field decodes (protobuf's rule), but validation refuses the report:
 * storing it would silently drop what the field meant. */
static void test_unknown_fields_decode_but_are_refused(void **state)
{
    (void)state;
    uint8_t id[16] = {9};
    Cchc__V1__ReportKey key = CCHC__V1__REPORT_KEY__INIT;
    key.spool_id.data = id;
    key.spool_id.len = 16;
    key.seq = 5;
    Cchc__V1__Period period = CCHC__V1__PERIOD__INIT;
    period.kind = CCHC__V1__PERIOD_KIND__PERIOD_KIND_QUARTER;
    period.year = 2026;
    period.index = 1;
    Cchc__V1__Figure f = CCHC__V1__FIGURE__INIT;
    f.indicator = "dossier_received";
    f.value = 3;
    Cchc__V1__Figure *figs[1] = {&f};
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    r.key = &key;
    r.period = &period;
    r.observed_at = 1780000000;
    r.n_figures = 1;
    r.figures = figs;
    r.unit = "SNV";
    size_t len;
    uint8_t *buf = pack_report(&r, &len);
    /* Append field 99 (varint 7): a newer agent's field an older collector ignores. */
    uint8_t *ext = malloc(len + 3);
    memcpy(ext, buf, len);
    ext[len] = (uint8_t)(((99 << 3) & 0x7f) | 0x80); /* tag 792 as a varint: 0x98 0x06 */
    ext[len + 1] = (uint8_t)((99 << 3) >> 7);
    ext[len + 2] = 7;
    Cchc__V1__Report *back = cchc__v1__report__unpack(NULL, len + 3, ext);
    assert_non_null(back);
    assert_string_equal(back->unit, "SNV");
    cchc_catalog_t *cat = cchc_catalog_builtin();
    char reason[256];
    assert_int_equal(cchc_validate_report(cat, &r, 1780000000, reason, sizeof reason), 0);
    assert_int_equal(cchc_validate_report(cat, back, 1780000000, reason, sizeof reason), -1);
    assert_string_equal(reason, "unknown_field: the report carries field 99, unknown to this "
                                "version (cchc.v1); upgrade the collector or the agent");
    cchc_catalog_destroy(&cat);
    cchc__v1__report__free_unpacked(back, NULL);
    free(ext);
    free(buf);
}

static void test_corrupt_and_truncated_are_refused(void **state)
{
    (void)state;
    Cchc__V1__Figure f = CCHC__V1__FIGURE__INIT;
    f.indicator = "document_issued";
    f.value = 12;
    Cchc__V1__Figure *figs[1] = {&f};
    Cchc__V1__Report r = CCHC__V1__REPORT__INIT;
    r.unit = "BQLKKT-MLT";
    r.n_figures = 1;
    r.figures = figs;
    size_t len;
    uint8_t *buf = pack_report(&r, &len);
    /* Every proper prefix that cuts a field short must fail, never crash. */
    size_t refused = 0;
    for (size_t cut = 1; cut < len; cut++) {
        Cchc__V1__Report *back = cchc__v1__report__unpack(NULL, cut, buf);
        if (!back)
            refused++;
        else
            cchc__v1__report__free_unpacked(back, NULL);
    }
    assert_true(refused > 0);
    /* A wrong wire type for field 2 (unit: length-delimited) sent as a varint. */
    uint8_t wrong[] = {(2 << 3) | 0, 5};
    assert_null(cchc__v1__report__unpack(NULL, sizeof wrong, wrong));
    /* Random bytes. */
    uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_null(cchc__v1__report__unpack(NULL, sizeof junk, junk));
    free(buf);
}

static void test_ack_batch_round_trip(void **state)
{
    (void)state;
    uint8_t id[16] = {7};
    Cchc__V1__ReportKey k1 = CCHC__V1__REPORT_KEY__INIT, k2 = CCHC__V1__REPORT_KEY__INIT;
    k1.spool_id.data = id;
    k1.spool_id.len = 16;
    k1.seq = 1;
    k2 = k1;
    k2.seq = 2;
    Cchc__V1__Ack a1 = CCHC__V1__ACK__INIT, a2 = CCHC__V1__ACK__INIT;
    a1.key = &k1;
    a1.status = CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE;
    a2.key = &k2;
    a2.status = CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED;
    a2.reason = "unit_unknown: XYZ";
    Cchc__V1__Ack *acks[2] = {&a1, &a2};
    Cchc__V1__AckBatch b = CCHC__V1__ACK_BATCH__INIT;
    b.n_acks = 2;
    b.acks = acks;
    size_t len = cchc__v1__ack_batch__get_packed_size(&b);
    uint8_t *buf = malloc(len);
    cchc__v1__ack_batch__pack(&b, buf);
    Cchc__V1__AckBatch *back = cchc__v1__ack_batch__unpack(NULL, len, buf);
    assert_non_null(back);
    assert_int_equal(back->n_acks, 2);
    assert_int_equal(back->acks[0]->key->seq, 1);
    assert_int_equal(back->acks[0]->status, CCHC__V1__ACK_STATUS__ACK_STATUS_DUPLICATE);
    assert_int_equal(back->acks[1]->status, CCHC__V1__ACK_STATUS__ACK_STATUS_REJECTED);
    assert_string_equal(back->acks[1]->reason, "unit_unknown: XYZ");
    cchc__v1__ack_batch__free_unpacked(back, NULL);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_round_trip),
        cmocka_unit_test(test_unknown_fields_decode_but_are_refused),
        cmocka_unit_test(test_corrupt_and_truncated_are_refused),
        cmocka_unit_test(test_ack_batch_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
