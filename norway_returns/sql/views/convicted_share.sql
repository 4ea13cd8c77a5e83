-- convicted_share: the share of returned persons who were convicted offenders.
-- From monthly_figures (the figures stated in each publication's text):
--   in the month:  convicted_in_month / returned_in_month, in percent, 1 decimal,
--                  beside the share the publication printed (a whole number there);
--   so far this year: convicted_ytd / ytd_total, where ytd_total is the publication's
--                  "as at" figure, or, where the text does not state it, the grand
--                  total of the table by nationality (published_totals);
--   the same period last year: convicted_ytd_prev_year / ytd_total_prev_year.
-- NULLIF keeps a zero denominator from dividing: the share is then NULL.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
SELECT
    f.period,
    f.convicted_in_month,
    f.returned_in_month,
    CAST(ROUND(100.0 * f.convicted_in_month / NULLIF(f.returned_in_month, 0), 1) AS REAL)
        AS convicted_in_month_pct,
    f.convicted_in_month_pct_published,
    f.convicted_ytd,
    CAST(COALESCE(f.ytd_total, t.count) AS INTEGER) AS ytd_total,
    CAST(ROUND(100.0 * f.convicted_ytd / NULLIF(COALESCE(f.ytd_total, t.count), 0), 1) AS REAL)
        AS convicted_ytd_pct,
    f.convicted_ytd_prev_year,
    f.ytd_total_prev_year,
    CAST(ROUND(100.0 * f.convicted_ytd_prev_year / NULLIF(f.ytd_total_prev_year, 0), 1) AS REAL)
        AS convicted_ytd_prev_year_pct
FROM monthly_figures AS f
LEFT JOIN published_totals AS t
    ON t.period = f.period AND t.kind = 'nationality' AND t.category = 'total'
ORDER BY f.period
