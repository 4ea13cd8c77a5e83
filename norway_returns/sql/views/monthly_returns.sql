-- monthly_returns: each month's own returns, derived from the year-to-date tables.
-- The publications print figures for the year so far. A month's own figure is
--     this month's year-to-date  minus  the previous month's year-to-date
-- taken from two publications of the SAME year (e.g. 2024-03 minus 2024-02).
--   * January is its own year to date: nothing is subtracted.
--   * A cell missing from one of the two tables (no returns printed) counts as 0,
--     as long as the previous month's publication exists.
--   * Where the previous month's publication is not in `publications`, `returns`
--     is NULL: it cannot be computed, and `note` says so.
-- Rows cover every period, kind, country and category printed in this month's table
-- or in the previous month's one. A negative figure means this month's publication
-- revised an earlier year-to-date figure down (late registrations, corrections).
-- Source tables: returns (year-to-date cells) and publications (which months exist).
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
WITH
-- each publication with the period of the month before it in the same year
-- (NULL for January, which has no month before it in the same year)
months AS (
    SELECT
        period,
        year,
        month,
        CASE WHEN month > 1 THEN printf('%04d-%02d', year, month - 1) END AS previous_period
    FROM publications
),
-- every cell to show in a month: this month's own cells, and the previous month's
-- cells carried forward (a country printed last month but not this month)
cells AS (
    SELECT r.period, r.kind, r.country, r.category
    FROM returns AS r
    UNION ALL
    -- (UNION ALL with NOT EXISTS rather than UNION: no sort of every cell to drop duplicates)
    SELECT m.period, p.kind, p.country, p.category
    FROM months AS m
    JOIN returns AS p ON p.period = m.previous_period
    WHERE NOT EXISTS (
        SELECT 1 FROM returns AS r
        WHERE r.period = m.period AND r.kind = p.kind AND r.country = p.country AND r.category = p.category
    )
)
SELECT
    m.period,
    m.year,
    m.month,
    cells.kind,
    cells.country,
    c.name_en AS country_name,
    c.name_no AS country_name_no,
    cells.category,
    k.label_en AS category_label,
    CAST(COALESCE(cur.count, 0) AS INTEGER) AS ytd,
    m.previous_period,
    -- the previous month's year-to-date; NULL in January and where that
    -- publication is missing
    CAST(CASE WHEN prev_pub.period IS NOT NULL THEN COALESCE(prev.count, 0) END AS INTEGER) AS previous_ytd,
    CAST(CASE
        WHEN m.month = 1 THEN COALESCE(cur.count, 0)
        WHEN prev_pub.period IS NULL THEN NULL
        ELSE COALESCE(cur.count, 0) - COALESCE(prev.count, 0)
    END AS INTEGER) AS returns,
    -- says why `returns` is empty, rather than leaving a reader (or a chart) with nothing
    CASE
        WHEN m.month > 1 AND prev_pub.period IS NULL
        THEN 'cannot be derived: the ' || m.previous_period || ' publication is not in the database'
    END AS note
FROM cells
JOIN months AS m ON m.period = cells.period
JOIN countries AS c ON c.code = cells.country
JOIN categories AS k ON k.code = cells.category
LEFT JOIN publications AS prev_pub ON prev_pub.period = m.previous_period
LEFT JOIN returns AS cur
    ON cur.period = cells.period AND cur.kind = cells.kind
    AND cur.country = cells.country AND cur.category = cells.category
LEFT JOIN returns AS prev
    ON prev.period = m.previous_period AND prev.kind = cells.kind
    AND prev.country = cells.country AND prev.category = cells.category
ORDER BY m.period, cells.kind, cells.country, cells.category
