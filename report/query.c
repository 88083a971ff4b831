/* cchc-report's reading side: the reporting functions of sql/005_reporting.sql, called with
 * parameters (never SQL built from text), joined with the catalogue for names and tree order,
 * fetched into a report. Everything here is readable by a role IN ROLE cchc_reporting. */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "util.h"

/* The parameters every query is given ($1..$8), whether it uses them or not: typed
 * (int2, text, int4, int8), so that an unused one is no error. $8 is the id of the
 * period's entry in the report cache (sql/007_report_speed.sql), when there is one. */
enum { P_KIND, P_YEAR, P_INDEX, P_VERSION, P_UNIT, P_DEPTH, P_LANG, P_CACHE, P_COUNT };
static const Oid param_types[P_COUNT] = {21, 21, 21, 25, 25, 23, 25, 20};

typedef struct {
    char kind[8], year[8], index[8], depth[16], cache[24];
    const char *values[P_COUNT];
} params_t;

/* The units shown, in tree order (siblings by code): the roots (or $5 and its subtree),
 * down to $6 levels below (NULL: all). path orders the rows; depth indents them. */
#define TREE_CTE \
    "WITH RECURSIVE tree AS (\n" \
    "  SELECT u.code, ARRAY[u.code COLLATE \"C\"] AS path, 0 AS depth\n" \
    "    FROM unit u\n" \
    "   WHERE CASE WHEN $5::text IS NULL THEN u.parent_code IS NULL ELSE u.code = $5::text END\n" \
    "  UNION ALL\n" \
    "  SELECT u.code, t.path || (u.code COLLATE \"C\"), t.depth + 1\n" \
    "    FROM tree t JOIN unit u ON u.parent_code = t.code\n" \
    "   WHERE $6::integer IS NULL OR t.depth < $6::integer\n" \
    ")\n"

/* The period's days under the configured calendar (report_period: civil or nd09), and
 * a unit whose validity (valid_from..valid_to) overlaps them: the units the reporting
 * functions give rows for. */
/* (LIMIT 1: report_period gives one row; without it the planner expects 1,000) */
#define PERIOD_CTE \
    ", pd AS MATERIALIZED (SELECT * FROM report_period($1::smallint, $2::smallint, $3::smallint) LIMIT 1)\n"
#define UNIT_IN_PERIOD "(u.valid_from <= pd.last_day AND (u.valid_to IS NULL OR u.valid_to >= pd.first_day))"
#define NAME(alias) "CASE WHEN $7::text = 'en' THEN " alias ".name_en ELSE " alias ".name_vi END"
#define PERIOD_ARGS "$1::smallint, $2::smallint, $3::smallint"
#define VERSION_ARGS PERIOD_ARGS ", $4::text"

/* One column of a query's result, in order; the query may return one more column,
 * "mark" (0 none, 1 bad, 2 warn). */
typedef struct {
    const char *key, *vi, *en;
    cchc_col_type_t type;
    unsigned flags;
    int decimals, group;
    int labels; /* a cchc_labels_id_t, or -1 */
} col_spec_t;

#define NO_LABELS (-1)

static void params_init(params_t *p, const cchc_query_t *q)
{
    memset(p, 0, sizeof *p);
    if (cchc_period_valid(&q->period)) {
        snprintf(p->kind, sizeof p->kind, "%d", (int)q->period.kind);
        snprintf(p->year, sizeof p->year, "%d", q->period.year);
        snprintf(p->index, sizeof p->index, "%d", q->period.index);
        p->values[P_KIND] = p->kind;
        p->values[P_YEAR] = p->year;
        p->values[P_INDEX] = p->index;
    }
    p->values[P_VERSION] = q->first ? "first" : "revised";
    p->values[P_UNIT] = q->unit;
    if (q->depth >= 0) {
        snprintf(p->depth, sizeof p->depth, "%d", q->depth);
        p->values[P_DEPTH] = p->depth;
    }
    p->values[P_LANG] = q->lang == CCHC_LANG_EN ? "en" : "vi";
}

/* Copies a libpq message into err on one line, with what to do for the usual causes.
 * libpq's messages never carry the password; a "password=" is blanked anyway. */
static void db_message(char *err, size_t errlen, const char *what, const char *msg, const char *sqlstate)
{
    char line[700];
    cchc_strlcpy(line, msg ? msg : "unknown error", sizeof line);
    /* one line: each run of white space becomes one blank */
    size_t n = 0;
    for (const char *c = line; *c; c++) {
        bool space = *c == '\n' || *c == '\r' || *c == '\t' || *c == ' ';
        if (space && (n == 0 || line[n - 1] == ' '))
            continue;
        line[n++] = space ? ' ' : *c;
    }
    line[n] = '\0';
    while (n > 0 && line[n - 1] == ' ')
        line[--n] = '\0';
    char *pw = strstr(line, "password=");
    if (pw)
        for (pw += 9; *pw && *pw != ' '; pw++)
            *pw = 'x';
    const char *hint = "";
    if (sqlstate && strcmp(sqlstate, "42883") == 0)
        hint = " (the reporting functions are missing: apply the migrations with "
               "'cchc-collector migrate' as the database owner)";
    else if (sqlstate && (strcmp(sqlstate, "42P01") == 0 || strcmp(sqlstate, "3F000") == 0))
        hint = " (this database has no cchc schema: check --db, or apply the migrations with "
               "'cchc-collector migrate')";
    else if (sqlstate && strcmp(sqlstate, "42501") == 0)
        hint = " (the login role lacks the rights of cchc_reporting: as the owner, "
               "GRANT cchc_reporting TO <role>)";
    snprintf(err, errlen, "%s: %s%s", what, line, hint);
}

PGconn *cchc_query_connect(const char *conninfo, char *err, size_t errlen)
{
    PGconn *conn = PQconnectdb(conninfo ? conninfo : "");
    if (conn == NULL) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[800];
        db_message(msg, sizeof msg, "cannot connect to PostgreSQL", PQerrorMessage(conn), NULL);
        snprintf(err, errlen,
                 "%s\nWhat to do: check --db (a libpq connection string, e.g. \"host=db.example "
                 "dbname=cchc user=noivu\") or the PGHOST, PGPORT, PGDATABASE and PGUSER environment "
                 "variables; keep the password in ~/.pgpass or PGPASSFILE, not on the command line.", msg);
        PQfinish(conn);
        return NULL;
    }
    if (PQsetClientEncoding(conn, "UTF8") != 0) {
        db_message(err, errlen, "cannot set the client encoding to UTF8", PQerrorMessage(conn), NULL);
        PQfinish(conn);
        return NULL;
    }
    /* Times as "2026-10-05 09:12:00+07" (the form the writers parse), in Vietnam's time,
     * where the deadlines are, unless PGTZ asks for another zone (libpq applies it).
     * No JIT: the set-returning functions' default row estimates (1000 each) make the
     * planner JIT-compile the joins, which costs more (~0.6 s) than running them. */
    const char *pgtz = getenv("PGTZ");
    /* work_mem: a whole-province summary sorts and hashes ~200,000 rows; with the default
     * 4MB they spill to temporary files. */
    const char *set[] = {"SET DateStyle = 'ISO, YMD'", "SET jit = off", "SET work_mem = '64MB'",
                         pgtz && *pgtz ? NULL : "SET TimeZone = 'Asia/Ho_Chi_Minh'"};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++) {
        if (set[i] == NULL)
            continue;
        PGresult *res = PQexec(conn, set[i]);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            db_message(err, errlen, set[i], PQresultErrorMessage(res), NULL);
            PQclear(res);
            PQfinish(conn);
            return NULL;
        }
        PQclear(res);
    }
    return conn;
}

/* Runs sql with the parameters of p. Returns the result (PQclear it) or NULL with err. */
static PGresult *run(PGconn *conn, const char *what, const char *sql, const params_t *p,
                     char *err, size_t errlen)
{
    PGresult *res = PQexecParams(conn, sql, P_COUNT, param_types, p->values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        db_message(err, errlen, what,
                   res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn),
                   res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Adds the columns of spec to s and one row per result row. */
static cchc_query_rc_t fill(cchc_section_t *s, const col_spec_t *spec, size_t n, cchc_lang_t lang,
                            PGresult *res, char *err, size_t errlen)
{
    for (size_t c = 0; c < n; c++) {
        cchc_column_t col = {
            .key = spec[c].key,
            .header = CCHC_TR(lang, spec[c].vi, spec[c].en),
            .type = spec[c].type,
            .flags = spec[c].flags,
            .decimals = spec[c].decimals,
            .group = spec[c].group,
            .labels = spec[c].labels >= 0 ? cchc_labels((cchc_labels_id_t)spec[c].labels, lang) : NULL,
        };
        if (cchc_section_add_column(s, &col) < 0)
            goto oom;
    }
    int nf = PQnfields(res);
    if ((size_t)nf < n) {
        snprintf(err, errlen, "internal error: the query returned %d columns, %zu expected", nf, n);
        return CCHC_QUERY_EDB;
    }
    int mark_col = (size_t)nf > n ? (int)n : -1;
    for (int r = 0; r < PQntuples(res); r++) {
        long row = cchc_section_add_row(s);
        if (row < 0)
            goto oom;
        for (size_t c = 0; c < n; c++) {
            const char *v = PQgetisnull(res, r, (int)c) ? NULL : PQgetvalue(res, r, (int)c);
            if (cchc_section_set(s, (size_t)row, c, v) != 0)
                goto oom;
        }
        if (mark_col >= 0 && !PQgetisnull(res, r, mark_col)) {
            int m = atoi(PQgetvalue(res, r, mark_col));
            cchc_section_mark(s, (size_t)row, m == 1 ? CCHC_MARK_BAD : m == 2 ? CCHC_MARK_WARN : CCHC_MARK_NONE);
        }
    }
    return CCHC_QUERY_OK;
oom:
    snprintf(err, errlen, "out of memory");
    return CCHC_QUERY_EDB;
}

/* Runs sql and fills a new section of r with it. */
static cchc_query_rc_t section(PGconn *conn, cchc_report_t *r, const char *key, const char *title,
                               const char *sheet, const col_spec_t *spec, size_t n, const char *sql,
                               const params_t *p, cchc_section_t **out, char *err, size_t errlen)
{
    cchc_section_t *s = cchc_report_add_section(r, key, title, sheet);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return CCHC_QUERY_EDB;
    }
    PGresult *res = run(conn, title, sql, p, err, errlen);
    if (res == NULL)
        return CCHC_QUERY_EDB;
    cchc_query_rc_t rc = fill(s, spec, n, cchc_report_lang(r), res, err, errlen);
    PQclear(res);
    if (out)
        *out = s;
    return rc;
}

/* Checks that code is in table ("unit" or "indicator"). */
static cchc_query_rc_t check_code(PGconn *conn, const char *table, const char *code, char *err,
                                  size_t errlen)
{
    const char *sql = strcmp(table, "unit") == 0 ? "SELECT 1 FROM unit WHERE code = $1"
                                                 : "SELECT 1 FROM indicator WHERE code = $1";
    const char *values[1] = {code};
    PGresult *res = PQexecParams(conn, sql, 1, NULL, values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        db_message(err, errlen, "cannot read the catalogue", PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY),
                   PQresultErrorField(res, PG_DIAG_SQLSTATE));
        PQclear(res);
        return CCHC_QUERY_EDB;
    }
    int found = PQntuples(res);
    PQclear(res);
    if (found == 0) {
        char q[80];
        cchc_strlcpy(q, code, sizeof q);
        for (char *c = q; *c; c++)
            if ((unsigned char)*c < 0x20)
                *c = '?';
        if (strcmp(table, "unit") == 0)
            snprintf(err, errlen, "unknown unit '%s': no unit has this code. List the units with "
                     "'cchc-report units' (codes are upper case, e.g. VPUB-TTPVHCC)", q);
        else
            snprintf(err, errlen, "unknown indicator '%s': no indicator has this code. List them "
                     "with 'cchc-report indicators' (codes are lower case, e.g. dossier_received)", q);
        return CCHC_QUERY_EUNKNOWN;
    }
    return CCHC_QUERY_OK;
}

const char *cchc_period_words(const cchc_period_t *p, cchc_lang_t lang, char *out, size_t len)
{
    static const char *const roman[] = {"I", "II", "III", "IV"};
    static const char *const months_en[] = {"January", "February", "March", "April", "May", "June", "July",
                                            "August", "September", "October", "November", "December"};
    if (!cchc_period_valid(p)) {
        cchc_strlcpy(out, "?", len);
        return out;
    }
    bool en = lang == CCHC_LANG_EN;
    switch (p->kind) {
    case CCHC_PERIOD_MONTH:
        if (en)
            snprintf(out, len, "%s %d", months_en[p->index - 1], p->year);
        else
            snprintf(out, len, "tháng %d/%d", p->index, p->year);
        break;
    case CCHC_PERIOD_QUARTER:
        if (en)
            snprintf(out, len, "Q%d %d", p->index, p->year);
        else
            snprintf(out, len, "quý %s/%d", roman[p->index - 1], p->year);
        break;
    case CCHC_PERIOD_HALF_YEAR:
        if (en)
            snprintf(out, len, "%s half of %d", p->index == 1 ? "first" : "second", p->year);
        else
            snprintf(out, len, "6 tháng %s năm %d", p->index == 1 ? "đầu" : "cuối", p->year);
        break;
    case CCHC_PERIOD_YEAR:
        snprintf(out, len, en ? "year %d" : "năm %d", p->year);
        break;
    }
    return out;
}

/* A new report named name, titled "<what> <period in words> (<period>)[, version]". */
static cchc_report_t *new_report(const cchc_query_t *q, const char *name, const char *what,
                                 bool has_period, bool has_version)
{
    char period[CCHC_PERIOD_TEXT_MAX] = "", words[64] = "", title[512];
    if (has_period) {
        cchc_period_format(&q->period, period, sizeof period);
        cchc_period_words(&q->period, q->lang, words, sizeof words);
        snprintf(title, sizeof title, "%s %s (%s)%s", what, words, period,
                 !has_version ? ""
                 : q->first ? CCHC_TR(q->lang, " - số liệu báo cáo lần đầu", " - as first reported")
                            : CCHC_TR(q->lang, " - số liệu đã điều chỉnh", " - revised figures"));
    } else {
        cchc_strlcpy(title, what, sizeof title);
    }
    return cchc_report_new(name, period, has_version ? (q->first ? "first" : "revised") : "", title,
                           q->generated_at, q->lang);
}

static cchc_query_rc_t oom(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory");
    return CCHC_QUERY_EDB;
}

#define N(a) (sizeof(a) / sizeof *(a))

/* --- summary --------------------------------------------------------------------- */

static const col_spec_t figure_cols[] = {
    {"unit_code", "Mã đơn vị", "Unit code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 1, NO_LABELS},
    {"unit_name", "Đơn vị", "Unit", CCHC_COL_TEXT, CCHC_COLF_INDENT, 0, 1, NO_LABELS},
    {"depth", "Cấp", "Level", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, 0, 1, NO_LABELS},
    {"indicator_code", "Mã chỉ tiêu", "Indicator code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"indicator_name", "Chỉ tiêu", "Indicator", CCHC_COL_TEXT, 0, 0, 0, NO_LABELS},
    {"value", "Số liệu", "Value", CCHC_COL_INT, 0, 0, 0, NO_LABELS},
    {"reporting_units", "Số đơn vị báo cáo", "Units reporting", CCHC_COL_INT, CCHC_COLF_NULL_BLANK, 0, 0, NO_LABELS},
    {"source", "Nguồn", "Source", CCHC_COL_ENUM, CCHC_COLF_NULL_BLANK, 0, 0, CCHC_LABELS_SOURCE},
};

/* The units shown: the tree's units that exist in the period (the only ones the
 * reporting functions give rows for), numbered in tree order (ord: sorting the rows by
 * an integer rather than by the path array). */
#define SHOWN_CTE \
    ", shown AS MATERIALIZED (\n" \
    "    SELECT t.code, t.depth, row_number() OVER (ORDER BY t.path COLLATE \"C\") AS ord\n" \
    "      FROM tree t JOIN unit u ON u.code = t.code, pd\n" \
    "     WHERE " UNIT_IN_PERIOD ")\n"

/* Where the figures, rates and targets come from: the functions of 005 (computed for
 * this query), or the period's entry in the report cache ($8, sql/007: the same rows,
 * computed once for the data as it is now). fs, rs, tgs: the rows of the units shown.
 * From the cache they are fetched unit by unit through its primary key (the LATERAL
 * subqueries with OFFSET 0 keep that plan whatever the row estimates say), so that
 * --depth 1 reads 64 units' rows, not 10,000. */
#define FS_LIVE \
    "f AS MATERIALIZED (SELECT * FROM report_figures(" VERSION_ARGS ")),\n" \
    "  fs AS (SELECT f.* FROM f JOIN shown s ON s.code = f.unit_code)"
#define FS_CACHED \
    "fs AS (\n" \
    "    SELECT s.code AS unit_code, x.indicator_code, x.value, x.reporting_units, x.source\n" \
    "      FROM shown s\n" \
    "     CROSS JOIN LATERAL (SELECT c.* FROM cached_report_unit c\n" \
    "                          WHERE c.cache_id = $8::bigint AND c.unit_code = s.code OFFSET 0) c\n" \
    "     CROSS JOIN LATERAL unnest(c.indicator_codes, c.figure_values, c.figure_units, c.figure_sources)\n" \
    "           AS x (indicator_code, value, reporting_units, source))"
#define RS_LIVE \
    "r AS MATERIALIZED (SELECT * FROM report_rates(" VERSION_ARGS ")),\n" \
    "  rs AS (SELECT r.* FROM r JOIN shown s ON s.code = r.unit_code),\n" \
    "  tg AS MATERIALIZED (SELECT * FROM report_targets(" VERSION_ARGS ")),\n" \
    "  tgs AS (SELECT tg.* FROM tg JOIN shown s ON s.code = tg.unit_code)"
#define RS_CACHED \
    "rs AS (\n" \
    "    SELECT s.code AS unit_code, x.rate_code, x.numerator, x.denominator, x.pct\n" \
    "      FROM shown s\n" \
    "     CROSS JOIN LATERAL (SELECT c.* FROM cached_report_unit c\n" \
    "                          WHERE c.cache_id = $8::bigint AND c.unit_code = s.code OFFSET 0) c\n" \
    "     CROSS JOIN LATERAL unnest(c.rate_codes, c.rate_numerators, c.rate_denominators, c.rate_pcts)\n" \
    "           AS x (rate_code, numerator, denominator, pct)),\n" \
    "  tgs AS (\n" \
    "    SELECT c.unit_code, c.rate_code, c.target_id, c.comparison, c.threshold_pct, c.pct, c.status,\n" \
    "           c.gap_pp, c.plan, c.section, c.text_vi\n" \
    "      FROM shown s\n" \
    "     CROSS JOIN LATERAL (SELECT c.* FROM cached_report_target c\n" \
    "                          WHERE c.cache_id = $8::bigint AND c.unit_code = s.code OFFSET 0) c)"
/* the targets command: every row of the entry (its units are those of the targets) */
#define R_LIVE "r AS (SELECT * FROM report_rates(" VERSION_ARGS "))"
#define R_CACHED \
    "r AS (\n" \
    "    SELECT c.unit_code, x.rate_code, x.numerator, x.denominator, x.pct\n" \
    "      FROM cached_report_unit c\n" \
    "     CROSS JOIN LATERAL unnest(c.rate_codes, c.rate_numerators, c.rate_denominators, c.rate_pcts)\n" \
    "           AS x (rate_code, numerator, denominator, pct)\n" \
    "     WHERE c.cache_id = $8::bigint)"
#define TG_LIVE "tg AS (SELECT * FROM report_targets(" VERSION_ARGS "))"
#define TG_CACHED \
    "tg AS (\n" \
    "    SELECT c.unit_code, c.rate_code, c.target_id, c.comparison, c.threshold_pct, c.pct, c.status,\n" \
    "           c.gap_pp, c.plan, c.section, c.text_vi\n" \
    "      FROM cached_report_target c WHERE c.cache_id = $8::bigint)"

#define FIGURES_SQL(FS) \
    TREE_CTE PERIOD_CTE SHOWN_CTE \
    ", " FS ",\n" \
    /* an indicator nobody shown reported for the period would only be a column of dashes */ \
    "  present AS (SELECT DISTINCT fs.indicator_code FROM fs)\n" \
    "SELECT u.code, " NAME("u") ", s.depth, i.code, " NAME("i") ",\n" \
    "       f.value, f.reporting_units, f.source\n" \
    "  FROM shown s\n" \
    "  JOIN unit u ON u.code = s.code\n" \
    " CROSS JOIN indicator i\n" \
    "  JOIN present p ON p.indicator_code = i.code\n" \
    "  LEFT JOIN fs f ON f.unit_code = u.code AND f.indicator_code = i.code\n" \
    " ORDER BY s.ord, i.sort_order, i.code COLLATE \"C\""

static const char figures_sql[] = FIGURES_SQL(FS_LIVE);
static const char figures_cached_sql[] = FIGURES_SQL(FS_CACHED);

static const col_spec_t rate_cols[] = {
    {"unit_code", "Mã đơn vị", "Unit code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 1, NO_LABELS},
    {"unit_name", "Đơn vị", "Unit", CCHC_COL_TEXT, CCHC_COLF_INDENT, 0, 1, NO_LABELS},
    {"depth", "Cấp", "Level", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, 0, 1, NO_LABELS},
    {"rate_code", "Mã tỷ lệ", "Rate code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 2, NO_LABELS},
    {"rate_name", "Tỷ lệ", "Rate", CCHC_COL_TEXT, 0, 0, 2, NO_LABELS},
    {"numerator", "Tử số", "Numerator", CCHC_COL_INT, 0, 0, 2, NO_LABELS},
    {"denominator", "Mẫu số", "Denominator", CCHC_COL_INT, 0, 0, 2, NO_LABELS},
    {"pct", "Tỷ lệ (%)", "Rate (%)", CCHC_COL_PCT, 0, 0, 2, NO_LABELS},
    /* a rate without a target has these empty (blank in the table: nothing applies) */
    {"target_id", "Mã chỉ tiêu KH", "Target id", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"comparison", "So sánh", "Comparison", CCHC_COL_ENUM, CCHC_COLF_NULL_BLANK, 0, 0, CCHC_LABELS_COMPARISON},
    {"threshold_pct", "Chỉ tiêu (%)", "Target (%)", CCHC_COL_PCT, CCHC_COLF_NULL_BLANK, 0, 0, NO_LABELS},
    {"status", "Kết quả", "Status", CCHC_COL_ENUM, CCHC_COLF_NULL_BLANK, 0, 0, CCHC_LABELS_TARGET_STATUS},
    {"gap_pp", "Chênh lệch (điểm %)", "Gap (pp)", CCHC_COL_DECIMAL, CCHC_COLF_SIGNED | CCHC_COLF_NULL_BLANK, 2, 0, NO_LABELS},
    {"section", "Mục KH", "Plan section", CCHC_COL_TEXT, CCHC_COLF_NULL_BLANK, 0, 0, NO_LABELS},
};

#define RATES_SQL(RS) \
    TREE_CTE PERIOD_CTE SHOWN_CTE \
    ", " RS ",\n" \
    /* a rate with neither data nor a target among the units shown is left out */ \
    "  present AS (SELECT rs.rate_code FROM rs UNION SELECT tgs.rate_code FROM tgs)\n" \
    "SELECT u.code, " NAME("u") ", s.depth, ra.code, " NAME("ra") ",\n" \
    "       r.numerator, r.denominator, r.pct,\n" \
    "       tg.target_id, tg.comparison, tg.threshold_pct, tg.status, tg.gap_pp, tg.section,\n" \
    "       CASE WHEN tg.status = 'not_met' THEN 1 ELSE 0 END AS mark\n" \
    "  FROM shown s\n" \
    "  JOIN unit u ON u.code = s.code\n" \
    " CROSS JOIN rate ra\n" \
    "  JOIN present p ON p.rate_code = ra.code\n" \
    "  LEFT JOIN rs r ON r.unit_code = u.code AND r.rate_code = ra.code\n" \
    "  LEFT JOIN tgs tg ON tg.unit_code = u.code AND tg.rate_code = ra.code\n" \
    " ORDER BY s.ord, ra.sort_order, ra.code COLLATE \"C\", tg.section COLLATE \"C\", tg.target_id"

static const char rates_sql[] = RATES_SQL(RS_LIVE);
static const char rates_cached_sql[] = RATES_SQL(RS_CACHED);

/* Opens the period's entry in the report cache (sql/007_report_speed.sql) for the
 * queries of one report: BEGIN, then cached_report_open(), which computes the entry if
 * the data or the catalogue changed since (exact: see 007) and holds it until COMMIT.
 * *cached tells whether the queries may read the cache ($8 set) or must call the
 * functions of 005 (a read-only transaction, a standby, a database migrated only up
 * to 006). *in_tx: a transaction is open (end it with end_tx). */
static cchc_query_rc_t cache_open(PGconn *conn, params_t *p, bool *cached, bool *in_tx, char *err,
                                  size_t errlen)
{
    *cached = *in_tx = false;
    PGresult *res = PQexec(conn, "BEGIN");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        db_message(err, errlen, "BEGIN", PQresultErrorMessage(res), NULL);
        PQclear(res);
        return CCHC_QUERY_EDB;
    }
    PQclear(res);
    *in_tx = true;
    res = PQexecParams(conn, "SELECT cached_report_open(" VERSION_ARGS ")", P_COUNT, param_types,
                       p->values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        if (state && strcmp(state, "42883") == 0) {
            /* no cache in this database (migrations up to 006): the 005 functions */
            PQclear(res);
            PQclear(PQexec(conn, "ROLLBACK"));
            *in_tx = false;
            return CCHC_QUERY_OK;
        }
        db_message(err, errlen, "cannot open the report cache",
                   PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), state);
        PQclear(res);
        return CCHC_QUERY_EDB;
    }
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
        cchc_strlcpy(p->cache, PQgetvalue(res, 0, 0), sizeof p->cache);
        p->values[P_CACHE] = p->cache;
        *cached = true;
    }
    PQclear(res);
    return CCHC_QUERY_OK;
}

/* Ends the transaction of cache_open: COMMIT after rc == OK, else ROLLBACK. */
static cchc_query_rc_t end_tx(PGconn *conn, bool in_tx, cchc_query_rc_t rc, char *err, size_t errlen)
{
    if (!in_tx)
        return rc;
    PGresult *res = PQexec(conn, rc == CCHC_QUERY_OK ? "COMMIT" : "ROLLBACK");
    if (rc == CCHC_QUERY_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
        db_message(err, errlen, "COMMIT", PQresultErrorMessage(res), NULL);
        rc = CCHC_QUERY_EDB;
    }
    PQclear(res);
    return rc;
}

/* A legend line under the tables. */
static int note_missing(cchc_report_t *r, cchc_lang_t lang)
{
    return cchc_report_add_note(r, CCHC_TR(lang,
        CCHC_MISSING_MARK " = chưa báo cáo (không phải số 0). Số liệu cộng dồn theo cây đơn vị; "
        "tỷ lệ = tổng tử số / tổng mẫu số.",
        CCHC_MISSING_MARK " = not reported (not zero). Figures are summed over the unit tree; "
        "a rate is the sum of numerators over the sum of denominators."));
}

cchc_query_rc_t cchc_query_summary(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen)
{
    *out = NULL;
    cchc_query_rc_t rc;
    if (q->unit && (rc = check_code(conn, "unit", q->unit, err, errlen)) != CCHC_QUERY_OK)
        return rc;
    params_t p;
    params_init(&p, q);
    cchc_lang_t l = q->lang;
    cchc_report_t *r = new_report(q, "summary", CCHC_TR(l, "Tổng hợp số liệu cải cách hành chính",
                                                        "Administrative-reform figures,"), true, true);
    if (r == NULL)
        return oom(err, errlen);
    bool cached, in_tx;
    rc = cache_open(conn, &p, &cached, &in_tx, err, errlen);
    if (rc == CCHC_QUERY_OK)
        rc = section(conn, r, "figures", CCHC_TR(l, "Số liệu tổng hợp theo đơn vị", "Consolidated figures by unit"),
                     CCHC_TR(l, "Số liệu", "Figures"), figure_cols, N(figure_cols),
                     cached ? figures_cached_sql : figures_sql, &p, NULL, err, errlen);
    if (rc == CCHC_QUERY_OK)
        rc = section(conn, r, "rates",
                     CCHC_TR(l, "Tỷ lệ và chỉ tiêu kế hoạch", "Rates against the plans' targets"),
                     CCHC_TR(l, "Tỷ lệ - chỉ tiêu", "Rates and targets"), rate_cols, N(rate_cols),
                     cached ? rates_cached_sql : rates_sql, &p, NULL, err, errlen);
    rc = end_tx(conn, in_tx, rc, err, errlen);
    if (rc == CCHC_QUERY_OK && note_missing(r, l) != 0)
        rc = oom(err, errlen);
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}

/* --- targets ----------------------------------------------------------------------- */

static const col_spec_t target_cols[] = {
    {"unit_code", "Mã đơn vị", "Unit code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 1, NO_LABELS},
    {"unit_name", "Đơn vị", "Unit", CCHC_COL_TEXT, CCHC_COLF_INDENT, 0, 1, NO_LABELS},
    {"depth", "Cấp", "Level", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, 0, 1, NO_LABELS},
    {"rate_code", "Mã tỷ lệ", "Rate code", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 2, NO_LABELS},
    {"rate_name", "Tỷ lệ", "Rate", CCHC_COL_TEXT, 0, 0, 2, NO_LABELS},
    {"numerator", "Tử số", "Numerator", CCHC_COL_INT, 0, 0, 2, NO_LABELS},
    {"denominator", "Mẫu số", "Denominator", CCHC_COL_INT, 0, 0, 2, NO_LABELS},
    {"pct", "Tỷ lệ (%)", "Rate (%)", CCHC_COL_PCT, 0, 0, 2, NO_LABELS},
    {"comparison", "So sánh", "Comparison", CCHC_COL_ENUM, 0, 0, 0, CCHC_LABELS_COMPARISON},
    {"threshold_pct", "Chỉ tiêu (%)", "Target (%)", CCHC_COL_PCT, 0, 0, 0, NO_LABELS},
    {"status", "Kết quả", "Status", CCHC_COL_ENUM, 0, 0, 0, CCHC_LABELS_TARGET_STATUS},
    {"gap_pp", "Chênh lệch (điểm %)", "Gap (pp)", CCHC_COL_DECIMAL, CCHC_COLF_SIGNED, 2, 0, NO_LABELS},
    {"plan", "Kế hoạch", "Plan", CCHC_COL_TEXT, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"section", "Mục KH", "Plan section", CCHC_COL_TEXT, 0, 0, 0, NO_LABELS},
    {"target_id", "Mã chỉ tiêu KH", "Target id", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"text_vi", "Nội dung chỉ tiêu", "Target as worded in the plan (Vietnamese)", CCHC_COL_TEXT,
     CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
};

#define TARGETS_SQL(R, TG) \
    TREE_CTE \
    ", " R ",\n" \
    "  " TG "\n" \
    "SELECT u.code, " NAME("u") ", t.depth, ra.code, " NAME("ra") ",\n" \
    "       r.numerator, r.denominator, tg.pct, tg.comparison, tg.threshold_pct, tg.status,\n" \
    "       tg.gap_pp, tg.plan, tg.section, tg.target_id, tg.text_vi,\n" \
    "       CASE WHEN tg.status = 'not_met' THEN 1 ELSE 0 END AS mark\n" \
    "  FROM tg\n" \
    "  JOIN tree t ON t.code = tg.unit_code\n" \
    "  JOIN unit u ON u.code = tg.unit_code\n" \
    "  JOIN rate ra ON ra.code = tg.rate_code\n" \
    "  LEFT JOIN r ON r.unit_code = tg.unit_code AND r.rate_code = tg.rate_code\n" \
    " ORDER BY t.path COLLATE \"C\", ra.sort_order, ra.code COLLATE \"C\", tg.section COLLATE \"C\",\n" \
    "          tg.target_id"

static const char targets_sql[] = TARGETS_SQL(R_LIVE, TG_LIVE);
static const char targets_cached_sql[] = TARGETS_SQL(R_CACHED, TG_CACHED);

/* The index of the column named key in s, or ncols. */
static size_t col_index(const cchc_section_t *s, const char *key)
{
    size_t col = 0;
    while (col < cchc_section_ncols(s) && strcmp(cchc_section_column(s, col)->key, key) != 0)
        col++;
    return col;
}

/* Counts the rows of s whose column key holds value. */
static size_t count_rows(const cchc_section_t *s, const char *key, const char *value)
{
    size_t col = col_index(s, key), n = 0;
    if (col == cchc_section_ncols(s))
        return 0;
    for (size_t row = 0; row < cchc_section_nrows(s); row++) {
        const char *v = cchc_section_cell(s, row, col);
        if (v && strcmp(v, value) == 0)
            n++;
    }
    return n;
}

cchc_query_rc_t cchc_query_targets(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen)
{
    *out = NULL;
    cchc_query_rc_t rc;
    if (q->unit && (rc = check_code(conn, "unit", q->unit, err, errlen)) != CCHC_QUERY_OK)
        return rc;
    params_t p;
    params_init(&p, q);
    cchc_lang_t l = q->lang;
    cchc_report_t *r = new_report(q, "targets", CCHC_TR(l, "Kết quả thực hiện chỉ tiêu kế hoạch CCHC",
                                                        "The plans' targets,"), true, true);
    if (r == NULL)
        return oom(err, errlen);
    cchc_section_t *s = NULL;
    bool cached, in_tx;
    rc = cache_open(conn, &p, &cached, &in_tx, err, errlen);
    if (rc == CCHC_QUERY_OK)
        rc = section(conn, r, "targets", CCHC_TR(l, "Chỉ tiêu kế hoạch", "Targets"),
                     CCHC_TR(l, "Chỉ tiêu", "Targets"), target_cols, N(target_cols),
                     cached ? targets_cached_sql : targets_sql, &p, &s, err, errlen);
    rc = end_tx(conn, in_tx, rc, err, errlen);
    if (rc == CCHC_QUERY_OK) {
        char line[256];
        snprintf(line, sizeof line,
                 CCHC_TR(l, "Chỉ tiêu: %zu; đạt: %zu; chưa đạt: %zu (đánh dấu !); chưa có số liệu: %zu.",
                         "Targets: %zu; met: %zu; not met: %zu (marked !); no data: %zu."),
                 cchc_section_nrows(s), count_rows(s, "status", "met"), count_rows(s, "status", "not_met"),
                 count_rows(s, "status", "no_data"));
        if (cchc_report_add_note(r, line) != 0 || note_missing(r, l) != 0)
            rc = oom(err, errlen);
    }
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}

/* --- completeness ------------------------------------------------------------------ */

static const col_spec_t completeness_cols[] = {
    {"unit_code", "Mã đơn vị", "Unit code", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"unit_name", "Đơn vị", "Unit", CCHC_COL_TEXT, CCHC_COLF_INDENT, 0, 0, NO_LABELS},
    {"depth", "Cấp", "Level", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, 0, 0, NO_LABELS},
    {"status", "Tình trạng", "Status", CCHC_COL_ENUM, 0, 0, 0, CCHC_LABELS_COMPLETENESS},
    {"expected", "Phải báo cáo", "Expected", CCHC_COL_BOOL, CCHC_COLF_TABLE_HIDE, 0, 0, CCHC_LABELS_YES_NO},
    {"reported", "Đã báo cáo", "Reported", CCHC_COL_BOOL, CCHC_COLF_TABLE_HIDE, 0, 0, CCHC_LABELS_YES_NO},
    {"is_final", "Chính thức", "Final", CCHC_COL_BOOL, CCHC_COLF_TABLE_HIDE, 0, 0, CCHC_LABELS_YES_NO},
    {"reports", "Số lần gửi", "Reports", CCHC_COL_INT, 0, 0, 0, NO_LABELS},
    {"first_received_at", "Nhận lần đầu", "First received", CCHC_COL_TIME, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"last_received_at", "Nhận lần cuối", "Last received", CCHC_COL_TIME, 0, 0, 0, NO_LABELS},
    {"final_received_at", "Nhận bản chính thức", "Final received", CCHC_COL_TIME, 0, 0, 0, NO_LABELS},
    {"deadline", "Hạn báo cáo", "Deadline", CCHC_COL_DATE, 0, 0, 0, NO_LABELS},
    {"late", "Đúng/trễ hạn", "On time / late", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_LATE},
};

static const char completeness_sql[] =
    TREE_CTE
    ", c AS (SELECT * FROM report_completeness(" PERIOD_ARGS "))\n"
    "SELECT u.code, " NAME("u") ", t.depth,\n"
    "       CASE WHEN c.reported AND c.is_final THEN 'final'\n"
    "            WHEN c.reported THEN 'provisional'\n"
    "            WHEN c.expected THEN 'missing'\n"
    "            ELSE 'not_expected' END,\n"
    "       c.expected, c.reported, c.is_final, c.reports, c.first_received_at, c.last_received_at,\n"
    "       c.final_received_at, c.deadline, c.late,\n"
    "       CASE WHEN c.expected AND NOT c.reported THEN 1 WHEN c.late THEN 2 ELSE 0 END AS mark\n"
    "  FROM c\n"
    "  JOIN tree t ON t.code = c.unit_code\n"
    "  JOIN unit u ON u.code = c.unit_code\n"
    " ORDER BY t.path COLLATE \"C\"";

/* The summary lines under the completeness table: counts, then who is missing. */
static int completeness_notes(cchc_report_t *r, const cchc_section_t *s, cchc_lang_t l)
{
    size_t expected = count_rows(s, "expected", "t"), missing = count_rows(s, "status", "missing");
    size_t final = count_rows(s, "status", "final"), provisional = count_rows(s, "status", "provisional");
    size_t late = count_rows(s, "late", "t");
    char line[512];
    snprintf(line, sizeof line,
             CCHC_TR(l, "Phải báo cáo: %zu đơn vị; đã báo cáo chính thức: %zu; chưa chính thức: %zu; "
                        "trễ hạn: %zu; CHƯA BÁO CÁO: %zu (đánh dấu !).",
                     "Expected: %zu units; final: %zu; not final: %zu; late: %zu; NOT REPORTED: %zu "
                     "(marked !)."),
             expected, final, provisional, late, missing);
    if (cchc_report_add_note(r, line) != 0)
        return -1;
    if (missing == 0)
        return 0;
    /* the codes of the missing units, on one line (a long list is cut with "...") */
    size_t o = (size_t)snprintf(line, sizeof line, "%s", CCHC_TR(l, "Chưa báo cáo:", "Not reported:"));
    size_t status = col_index(s, "status"), unit = col_index(s, "unit_code");
    for (size_t row = 0; row < cchc_section_nrows(s); row++) {
        const char *st = cchc_section_cell(s, row, status), *code = cchc_section_cell(s, row, unit);
        if (!st || strcmp(st, "missing") != 0 || !code)
            continue;
        if (o + strlen(code) + 6 >= sizeof line) {
            snprintf(line + o, sizeof line - o, " ...");
            break;
        }
        o += (size_t)snprintf(line + o, sizeof line - o, " %s", code);
    }
    return cchc_report_add_note(r, line);
}

cchc_query_rc_t cchc_query_completeness(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                        char *err, size_t errlen)
{
    *out = NULL;
    cchc_query_rc_t rc;
    if (q->unit && (rc = check_code(conn, "unit", q->unit, err, errlen)) != CCHC_QUERY_OK)
        return rc;
    params_t p;
    params_init(&p, q);
    cchc_lang_t l = q->lang;
    cchc_report_t *r = new_report(q, "completeness", CCHC_TR(l, "Tình hình gửi báo cáo", "Who reported,"),
                                  true, false);
    if (r == NULL)
        return oom(err, errlen);
    cchc_section_t *s = NULL;
    rc = section(conn, r, "completeness", CCHC_TR(l, "Tình hình báo cáo của các đơn vị", "Reports by unit"),
                 CCHC_TR(l, "Tình hình báo cáo", "Completeness"), completeness_cols, N(completeness_cols),
                 completeness_sql, &p, &s, err, errlen);
    if (rc == CCHC_QUERY_OK && completeness_notes(r, s, l) != 0)
        rc = oom(err, errlen);
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}

/* --- history ------------------------------------------------------------------------ */

static const col_spec_t history_cols[] = {
    {"version", "Lần", "Version", CCHC_COL_INT, 0, 0, 0, NO_LABELS},
    {"value", "Số liệu", "Value", CCHC_COL_INT, 0, 0, 0, NO_LABELS},
    {"is_current", "Hiệu lực", "In force", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_CURRENT},
    {"observed_at", "Thời điểm số liệu", "Observed at", CCHC_COL_TIME, 0, 0, 0, NO_LABELS},
    {"received_at", "Thời điểm nhận", "Received at", CCHC_COL_TIME, 0, 0, 0, NO_LABELS},
    {"is_final", "Chính thức", "Final", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_FINAL},
    {"after_deadline", "Sau hạn", "After the deadline", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_YES_NO},
    {"reason_missing", "Lý do", "Reason", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_REASON_MISSING},
    {"agent", "Tác tử gửi", "Agent", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"spool_id", "Mã hàng đợi", "Spool id", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"seq", "Số thứ tự", "Sequence", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"note", "Ghi chú", "Note", CCHC_COL_TEXT, 0, 0, 0, NO_LABELS},
};

/* history's own parameters: $1 unit, $2 indicator, $3..$5 the period (typed, see run()) */
static const char history_sql[] =
    "SELECT h.version, h.value, h.is_current, h.observed_at, h.received_at, h.is_final,\n"
    "       h.after_deadline, h.reason_missing, h.agent, h.spool_id, h.seq, h.note,\n"
    "       CASE WHEN h.reason_missing OR h.after_deadline THEN 2 ELSE 0 END AS mark\n"
    "  FROM report_history($5::text, $4::text, " PERIOD_ARGS ") h\n"
    " ORDER BY h.version";

cchc_query_rc_t cchc_query_history(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                   char *err, size_t errlen)
{
    *out = NULL;
    cchc_query_rc_t rc;
    if ((rc = check_code(conn, "unit", q->unit, err, errlen)) != CCHC_QUERY_OK ||
        (rc = check_code(conn, "indicator", q->indicator, err, errlen)) != CCHC_QUERY_OK)
        return rc;
    params_t p;
    params_init(&p, q);
    /* $4 carries the indicator here (history has no version: every version is listed) */
    p.values[P_VERSION] = q->indicator;
    cchc_lang_t l = q->lang;
    char what[256];
    snprintf(what, sizeof what, CCHC_TR(l, "Lịch sử số liệu %s của %s,", "History of %s at %s,"),
             q->indicator, q->unit);
    cchc_report_t *r = new_report(q, "history", what, true, false);
    if (r == NULL)
        return oom(err, errlen);
    rc = section(conn, r, "history", CCHC_TR(l, "Các lần báo cáo", "Every report of this figure"),
                 CCHC_TR(l, "Lịch sử", "History"), history_cols, N(history_cols), history_sql, &p, NULL,
                 err, errlen);
    if (rc == CCHC_QUERY_OK &&
        cchc_report_add_note(r, CCHC_TR(l, "Số liệu đang dùng là lần có \"đang dùng\"; các lần khác đã bị thay thế.",
                                        "The figure in force is the one marked \"current\"; the others were superseded.")) != 0)
        rc = oom(err, errlen);
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}

/* --- catalogue: units, indicators ---------------------------------------------------- */

static const col_spec_t unit_cols[] = {
    {"unit_code", "Mã đơn vị", "Unit code", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"unit_name", "Đơn vị", "Unit", CCHC_COL_TEXT, CCHC_COLF_INDENT, 0, 0, NO_LABELS},
    {"depth", "Cấp", "Level", CCHC_COL_INT, CCHC_COLF_TABLE_HIDE | CCHC_COLF_DEPTH, 0, 0, NO_LABELS},
    {"parent_code", "Đơn vị cấp trên", "Parent", CCHC_COL_CODE, CCHC_COLF_TABLE_HIDE, 0, 0, NO_LABELS},
    {"kind", "Loại", "Kind", CCHC_COL_ENUM, 0, 0, 0, CCHC_LABELS_KIND},
    {"reports", "Phải báo cáo", "Reports", CCHC_COL_BOOL, 0, 0, 0, CCHC_LABELS_YES_NO},
    {"valid_from", "Từ ngày", "Valid from", CCHC_COL_DATE, 0, 0, 0, NO_LABELS},
    {"valid_to", "Đến ngày", "Valid to", CCHC_COL_DATE, 0, 0, 0, NO_LABELS},
    {"successor_code", "Đơn vị kế thừa", "Successor", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
};

static const char units_sql[] =
    TREE_CTE
    "SELECT u.code, " NAME("u") ", t.depth, u.parent_code, u.kind, u.reports, u.valid_from,\n"
    "       u.valid_to, u.successor_code\n"
    "  FROM tree t JOIN unit u ON u.code = t.code\n"
    " ORDER BY t.path COLLATE \"C\"";

cchc_query_rc_t cchc_query_units(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                 char *err, size_t errlen)
{
    *out = NULL;
    cchc_query_rc_t rc;
    if (q->unit && (rc = check_code(conn, "unit", q->unit, err, errlen)) != CCHC_QUERY_OK)
        return rc;
    params_t p;
    params_init(&p, q);
    cchc_lang_t l = q->lang;
    cchc_report_t *r = new_report(q, "units", CCHC_TR(l, "Danh mục đơn vị báo cáo", "Reporting units"),
                                  false, false);
    if (r == NULL)
        return oom(err, errlen);
    rc = section(conn, r, "units", CCHC_TR(l, "Đơn vị", "Units"), CCHC_TR(l, "Đơn vị", "Units"), unit_cols,
                 N(unit_cols), units_sql, &p, NULL, err, errlen);
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}

static const col_spec_t indicator_cols[] = {
    {"indicator_code", "Mã chỉ tiêu", "Indicator code", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"indicator_name", "Chỉ tiêu", "Indicator", CCHC_COL_TEXT, 0, 0, 0, NO_LABELS},
    {"measure", "Đơn vị tính", "Measure", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"part_of", "Là một phần của", "Part of", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
};

static const char indicators_sql[] =
    "SELECT i.code, " NAME("i") ", i.measure, i.part_of FROM indicator i\n"
    " ORDER BY i.sort_order, i.code COLLATE \"C\"";

static const col_spec_t rate_list_cols[] = {
    {"rate_code", "Mã tỷ lệ", "Rate code", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"rate_name", "Tỷ lệ", "Rate", CCHC_COL_TEXT, 0, 0, 0, NO_LABELS},
    {"numerator", "Tử số", "Numerator", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
    {"denominator", "Mẫu số", "Denominator", CCHC_COL_CODE, 0, 0, 0, NO_LABELS},
};

static const char rate_list_sql[] =
    "SELECT r.code, " NAME("r") ", r.numerator, r.denominator FROM rate r\n"
    " ORDER BY r.sort_order, r.code COLLATE \"C\"";

cchc_query_rc_t cchc_query_indicators(PGconn *conn, const cchc_query_t *q, cchc_report_t **out,
                                      char *err, size_t errlen)
{
    *out = NULL;
    params_t p;
    params_init(&p, q);
    cchc_lang_t l = q->lang;
    cchc_report_t *r = new_report(q, "indicators", CCHC_TR(l, "Danh mục chỉ tiêu và tỷ lệ",
                                                           "Indicators and rates"), false, false);
    if (r == NULL)
        return oom(err, errlen);
    cchc_query_rc_t rc = section(conn, r, "indicators", CCHC_TR(l, "Chỉ tiêu", "Indicators"),
                                 CCHC_TR(l, "Chỉ tiêu", "Indicators"), indicator_cols, N(indicator_cols),
                                 indicators_sql, &p, NULL, err, errlen);
    if (rc == CCHC_QUERY_OK)
        rc = section(conn, r, "rates", CCHC_TR(l, "Tỷ lệ", "Rates"), CCHC_TR(l, "Tỷ lệ", "Rates"),
                     rate_list_cols, N(rate_list_cols), rate_list_sql, &p, NULL, err, errlen);
    if (rc != CCHC_QUERY_OK) {
        cchc_report_destroy(&r);
        return rc;
    }
    *out = r;
    return CCHC_QUERY_OK;
}
