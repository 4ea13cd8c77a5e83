-- returns_wide: the publication's own layout, rebuilt from the `returns` table.
-- One row per period, kind (by nationality / by destination) and country, with one
-- column per category and the row's total. Figures are year to date, as printed.
-- A category is NULL where the publication printed no number for it (an empty cell,
-- or a category not printed then: international_protection from 2025, the older ones until 2021).
-- `total` is the sum of the row's cells; the build checked each row against its
-- printed Total cell (see the `checks` table, check = 'row_total').
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
SELECT
    r.period,
    r.kind,
    r.country,
    c.name_en AS country_name,
    c.name_no AS country_name_no,
    CAST(SUM(CASE WHEN r.category = 'asylum' THEN r.count END) AS INTEGER) AS asylum,
    CAST(SUM(CASE WHEN r.category = 'dublin' THEN r.count END) AS INTEGER) AS dublin,
    CAST(SUM(CASE WHEN r.category = 'international_protection' THEN r.count END) AS INTEGER)
        AS international_protection,
    CAST(SUM(CASE WHEN r.category = 'refused_entry_or_stay' THEN r.count END) AS INTEGER)
        AS refused_entry_or_stay,
    CAST(SUM(CASE WHEN r.category = 'expulsion' THEN r.count END) AS INTEGER) AS expulsion,
    CAST(SUM(CASE WHEN r.category = 'other' THEN r.count END) AS INTEGER) AS other,
    -- the older publications' categories (until 2021; see category_crosswalk)
    CAST(SUM(CASE WHEN r.category = 'asylum_rejected' THEN r.count END) AS INTEGER) AS asylum_rejected,
    CAST(SUM(CASE WHEN r.category = 'dublin_safe_third_country' THEN r.count END) AS INTEGER)
        AS dublin_safe_third_country,
    CAST(SUM(CASE WHEN r.category = 'removed_or_expelled' THEN r.count END) AS INTEGER) AS removed_or_expelled,
    CAST(SUM(CASE WHEN r.category = 'removed_expelled_or_other' THEN r.count END) AS INTEGER)
        AS removed_expelled_or_other,
    CAST(SUM(r.count) AS INTEGER) AS total,
    -- 'printed' when every cell of the row was read as printed; otherwise the worst
    -- of 'repaired' (settled by the printed sums) and 'corrected' (raw/corrections.yml)
    CASE
        WHEN MAX(r.status = 'corrected') THEN 'corrected'
        WHEN MAX(r.status = 'repaired') THEN 'repaired'
        ELSE 'printed'
    END AS status,
    GROUP_CONCAT(DISTINCT r.source) AS source
FROM returns AS r
JOIN countries AS c ON c.code = r.country
GROUP BY r.period, r.kind, r.country
ORDER BY r.period, r.kind, r.country
