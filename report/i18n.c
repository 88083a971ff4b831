/* The words of cchc-report in Vietnamese (the default: its readers are officials) and English. */
#include "i18n.h"

#include <string.h>

int cchc_lang_parse(const char *text, cchc_lang_t *out)
{
    if (strcmp(text, "vi") == 0)
        *out = CCHC_LANG_VI;
    else if (strcmp(text, "en") == 0)
        *out = CCHC_LANG_EN;
    else
        return -1;
    return 0;
}

#define END {NULL, NULL}

static const cchc_label_t target_status[2][4] = {
    {{"met", "Đạt"}, {"not_met", "Chưa đạt"}, {"no_data", "Chưa có số liệu"}, END},
    {{"met", "met"}, {"not_met", "not met"}, {"no_data", "no data"}, END},
};
static const cchc_label_t comparison[2][3] = {
    {{">=", "≥"}, {">", ">"}, END},
    {{">=", "≥"}, {">", ">"}, END},
};
static const cchc_label_t completeness[2][5] = {
    {{"missing", "chưa báo cáo"}, {"final", "đã báo cáo chính thức"},
     {"provisional", "đã báo cáo, chưa chính thức"}, {"not_expected", "không phải báo cáo"}, END},
    {{"missing", "not reported"}, {"final", "final report received"},
     {"provisional", "reported, not final"}, {"not_expected", "not expected to report"}, END},
};
static const cchc_label_t yes_no[2][3] = {
    {{"t", "có"}, {"f", "không"}, END},
    {{"t", "yes"}, {"f", "no"}, END},
};
static const cchc_label_t final[2][3] = {
    {{"t", "chính thức"}, {"f", "tạm thời"}, END},
    {{"t", "final"}, {"f", "provisional"}, END},
};
static const cchc_label_t late[2][3] = {
    {{"t", "trễ hạn"}, {"f", "đúng hạn"}, END},
    {{"t", "late"}, {"f", "on time"}, END},
};
/* report_figures' source: which reports were added up (sql/005_reporting.sql) */
static const cchc_label_t source[2][6] = {
    {{"direct", "báo cáo của kỳ"}, {"half-years", "cộng các kỳ 6 tháng"}, {"quarters", "cộng các quý"},
     {"months", "cộng các tháng"}, {"mixed", "kết hợp nhiều kỳ"}, END},
    {{"direct", "reported for the period"}, {"half-years", "sum of half-years"},
     {"quarters", "sum of quarters"}, {"months", "sum of months"}, {"mixed", "mixed periods"}, END},
};
static const cchc_label_t current[2][3] = {
    {{"t", "đang dùng"}, {"f", "đã thay thế"}, END},
    {{"t", "current"}, {"f", "superseded"}, END},
};
static const cchc_label_t reason_missing[2][3] = {
    {{"t", "thiếu lý do điều chỉnh"}, {"f", ""}, END},
    {{"t", "no reason given"}, {"f", ""}, END},
};
static const cchc_label_t kind[2][6] = {
    {{"province", "tỉnh"}, {"agency", "cơ quan"}, {"department", "phòng"}, {"centre", "trung tâm"},
     {"border_office", "cửa khẩu"}, END},
    {{"province", "province"}, {"agency", "agency"}, {"department", "department"},
     {"centre", "centre"}, {"border_office", "border office"}, END},
};

const cchc_label_t *cchc_labels(cchc_labels_id_t id, cchc_lang_t lang)
{
    int l = lang == CCHC_LANG_EN ? 1 : 0;
    switch (id) {
    case CCHC_LABELS_TARGET_STATUS: return target_status[l];
    case CCHC_LABELS_COMPARISON: return comparison[l];
    case CCHC_LABELS_COMPLETENESS: return completeness[l];
    case CCHC_LABELS_YES_NO: return yes_no[l];
    case CCHC_LABELS_FINAL: return final[l];
    case CCHC_LABELS_LATE: return late[l];
    case CCHC_LABELS_SOURCE: return source[l];
    case CCHC_LABELS_CURRENT: return current[l];
    case CCHC_LABELS_REASON_MISSING: return reason_missing[l];
    case CCHC_LABELS_KIND: return kind[l];
    }
    return NULL;
}
