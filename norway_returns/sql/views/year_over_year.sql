-- year_over_year: returns so far this year against the same period last year.
-- From monthly_figures (ytd_total and ytd_total_prev_year as printed, the printed
-- change ytd_change_pct_published) and figure_sources (the printed text of that change).
--   change_pct = 100 * (ytd_total - ytd_total_prev_year) / ytd_total_prev_year, 1 decimal
--   published_decimals = the decimals the publication printed: "8" -> 0, "-1,1" -> 1
--            (read from the quoted text; 1 is assumed where there is no quote)
--   agrees = 1 when the computed change, rounded to the printed decimals, equals the
--            printed change; 0 when not; NULL when either is missing.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
WITH printed AS (
    SELECT
        period,
        CASE
            WHEN RTRIM(quote, ' %') GLOB '*[0-9][.,][0-9][0-9]' THEN 2
            WHEN RTRIM(quote, ' %') GLOB '*[0-9][.,][0-9]' THEN 1
            ELSE 0
        END AS decimals
    FROM figure_sources
    WHERE figure = 'ytd_change_pct_published'
),
computed AS (
    SELECT
        f.period,
        f.ytd_total,
        f.ytd_total_prev_year,
        100.0 * (f.ytd_total - f.ytd_total_prev_year) / NULLIF(f.ytd_total_prev_year, 0) AS change_pct_exact,
        f.ytd_change_pct_published
    FROM monthly_figures AS f
)
SELECT
    c.period,
    c.ytd_total,
    c.ytd_total_prev_year,
    CAST(c.ytd_total - c.ytd_total_prev_year AS INTEGER) AS change,
    CAST(ROUND(c.change_pct_exact, 1) AS REAL) AS change_pct,
    c.ytd_change_pct_published,
    CAST(p.decimals AS INTEGER) AS published_decimals,
    CAST(CASE
        WHEN c.change_pct_exact IS NULL OR c.ytd_change_pct_published IS NULL THEN NULL
        WHEN ROUND(c.change_pct_exact, COALESCE(p.decimals, 1)) = c.ytd_change_pct_published THEN 1
        ELSE 0
    END AS INTEGER) AS agrees
FROM computed AS c
LEFT JOIN printed AS p ON p.period = c.period
ORDER BY c.period
