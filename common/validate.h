/* The validation rules a report must pass, shared by the agent (before spooling) and the collector. */
#ifndef CCHC_VALIDATE_H
#define CCHC_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "cchc/v1/cchc.pb-c.h"

/* Most figures one report may carry. */
#define CCHC_REPORT_MAX_FIGURES 512

/* Checks r against every rule; returns 0 if it passes, else -1 with the first broken
 * rule in reason as "RULE: detail", e.g.
 *   "part_exceeds_whole: dossier_received_online=120 exceeds dossier_received=100".
 * Rules (their names are stable; tests and operators match on them):
 *   key_missing           no key, a spool id that is not 16 bytes, or seq 0
 *   unknown_field         a field this version does not know (it would be lost if stored)
 *   unit_missing          empty unit code
 *   unit_unknown          unit not in the catalogue (checked only if the catalogue has units)
 *   period_invalid        unknown kind, year outside 2000..9999, index out of range
 *   period_not_started    the period starts more than a day after the (UTC) day the
 *                         figures were observed (under the earlier of the two
 *                         calendars; the day allows for the site's time zone)
 *   observed_in_future    observed_at more than one day after `now`
 *   no_figures            a report with no figure
 *   too_many_figures      more than CCHC_REPORT_MAX_FIGURES
 *   indicator_unknown     an indicator not in the catalogue
 *   indicator_repeated    the same indicator twice in one report
 *   count_negative        a value below 0
 *   part_exceeds_whole    a part larger than its whole, both present in the report
 * `now` is Unix seconds. */
int cchc_validate_report(const cchc_catalog_t *cat, const Cchc__V1__Report *r, int64_t now,
                         char *reason, size_t reasonlen);

#endif
