/* The words of cchc-report in Vietnamese (the default: its readers are officials) and English. */
#ifndef CCHC_REPORT_I18N_H
#define CCHC_REPORT_I18N_H

#include "model.h"

/* vi or en text, by language. */
#define CCHC_TR(lang, vi, en) ((lang) == CCHC_LANG_EN ? (en) : (vi))

/* Parses "vi" or "en". Returns 0 or -1. */
int cchc_lang_parse(const char *text, cchc_lang_t *out);

/* Label tables (static, ended by {NULL, NULL}) for the coded columns. */
typedef enum {
    CCHC_LABELS_TARGET_STATUS, /* met, not_met, no_data */
    CCHC_LABELS_COMPARISON,    /* >=, > */
    CCHC_LABELS_COMPLETENESS,  /* missing, final, provisional, not_expected */
    CCHC_LABELS_YES_NO,        /* t, f */
    CCHC_LABELS_FINAL,         /* t final, f provisional */
    CCHC_LABELS_LATE,          /* t late, f on time */
    CCHC_LABELS_SOURCE,        /* how a consolidated figure was obtained */
    CCHC_LABELS_CURRENT,       /* history: t the figure in force */
    CCHC_LABELS_REASON_MISSING,/* history: t a correction without a note */
    CCHC_LABELS_KIND,          /* unit kind: province, agency, ... */
} cchc_labels_id_t;

const cchc_label_t *cchc_labels(cchc_labels_id_t id, cchc_lang_t lang);

/* The mark shown for a missing figure in the table format. */
#define CCHC_MISSING_MARK "\xE2\x80\x94" /* U+2014 EM DASH */

#endif
