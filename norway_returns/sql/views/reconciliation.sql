-- reconciliation: every table's cells against the Total row printed beneath it.
-- One row per period, kind and category, plus category 'total' for the grand total:
--   sum_of_cells    = the sum of the cells in `returns` (all categories for 'total')
--   published_total = the printed Total row, from `published_totals`
--   difference      = sum_of_cells - published_total (0 when they agree)
-- A side that is missing counts 0 in the difference (published_total stays NULL), so
-- a missing Total cell or a column with no cells still shows up as a difference.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
WITH sums AS (
    SELECT period, kind, category, SUM(count) AS sum_of_cells
    FROM returns
    GROUP BY period, kind, category
    UNION ALL
    SELECT period, kind, 'total', SUM(count)
    FROM returns
    GROUP BY period, kind
),
keys AS (
    SELECT period, kind, category FROM sums
    UNION
    SELECT period, kind, category FROM published_totals
)
SELECT
    k.period,
    k.kind,
    k.category,
    COALESCE(c.label_en, 'Total') AS category_label,
    CAST(COALESCE(s.sum_of_cells, 0) AS INTEGER) AS sum_of_cells,
    t.count AS published_total,
    CAST(COALESCE(s.sum_of_cells, 0) - COALESCE(t.count, 0) AS INTEGER) AS difference,
    t.source
FROM keys AS k
LEFT JOIN sums AS s
    ON s.period = k.period AND s.kind = k.kind AND s.category = k.category
LEFT JOIN published_totals AS t
    ON t.period = k.period AND t.kind = k.kind AND t.category = k.category
LEFT JOIN categories AS c ON c.code = k.category
ORDER BY k.period, k.kind, k.category = 'total', k.category
