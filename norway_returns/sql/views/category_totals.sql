-- category_totals: each category's year-to-date total per period and kind, and its
-- share of all returns of that period and kind.
--   returns   = the sum of the category's cells in `returns`
--   kind_total = the sum of all cells of the period and kind
--   share_pct = 100 * returns / kind_total, 1 decimal
-- The two kinds (by nationality, by destination) count the same persons twice, so
-- their totals are equal; compare within a kind. The printed Total row is in
-- `published_totals`; `reconciliation` compares the two.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
WITH sums AS (
    SELECT period, kind, category, SUM(count) AS returns
    FROM returns
    GROUP BY period, kind, category
)
SELECT
    s.period,
    s.kind,
    s.category,
    c.label_en AS category_label,
    c.label_no AS category_label_no,
    CAST(s.returns AS INTEGER) AS returns,
    CAST(SUM(s.returns) OVER (PARTITION BY s.period, s.kind) AS INTEGER) AS kind_total,
    CAST(ROUND(100.0 * s.returns / SUM(s.returns) OVER (PARTITION BY s.period, s.kind), 1) AS REAL)
        AS share_pct
FROM sums AS s
JOIN categories AS c ON c.code = s.category
ORDER BY s.period, s.kind, s.category
