-- minors: minors (persons under 18) returned in each month, from monthly_figures.
--   accompanied = minors_in_month - unaccompanied (returned with parents, guardians
--                 or other family);
--   minors_pct  = minors_in_month as a percentage of all persons returned in the
--                 month (returned_in_month), 1 decimal.
-- NULL where the publication does not state the figure.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
SELECT
    f.period,
    f.minors_in_month,
    f.minors_unaccompanied_in_month AS unaccompanied,
    CAST(f.minors_in_month - f.minors_unaccompanied_in_month AS INTEGER) AS accompanied,
    f.returned_in_month,
    CAST(ROUND(100.0 * f.minors_in_month / NULLIF(f.returned_in_month, 0), 1) AS REAL) AS minors_pct
FROM monthly_figures AS f
ORDER BY f.period
