-- comparable_series: series of returns that compare across the changes of the categories.
-- Until 2021 the tables print three categories (Asylum rejected, Dublin/safe third
-- country, Removed or expelled; until 2015 Removed, expelled and other), five from 2022
-- and six from 2025. Each older category is a category of its own in `returns`, never
-- rewritten; `category_crosswalk` says which of today's categories it covers. Each
-- series keeps the scope of one older category (series = its code) over every period:
--   asylum_rejected            = Asylum rejected;            from 2022 Asylum
--   dublin_safe_third_country  = Dublin/safe third country;  2022-2024 Dublin;
--                                from 2025 Dublin + Granted international protection
--   removed_or_expelled        = Removed or expelled (2016-2021);
--                                from 2022 Refused entry or stay + Expulsion
--   removed_expelled_or_other  = Removed, expelled and other (until 2015);
--                                from 2022 Refused entry or stay + Expulsion + Other
-- count = the sum of the cells (year to date, as printed) of the older category and of
-- the categories it covers, per period, kind and country; a publication prints either
-- the older category or today's, so each cell is counted once. A series has no row
-- where none of its categories is printed (removed_or_expelled before 2016,
-- removed_expelled_or_other from 2016 to 2021: the tables of those years do not say).
-- categories: the printed categories summed in the row.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
WITH members AS (
    -- each series' own category, and today's categories it covers
    SELECT DISTINCT older AS series, older AS category FROM category_crosswalk
    UNION ALL
    SELECT older, current FROM category_crosswalk
),
cells AS (
    SELECT m.series, r.period, r.kind, r.country, r.category, r.count, r.source
    FROM returns AS r
    JOIN members AS m ON m.category = r.category
    ORDER BY m.series, r.period, r.kind, r.country, r.category
)
SELECT
    cells.series,
    s.label_en AS series_label,
    cells.period,
    cells.kind,
    cells.country,
    c.name_en AS country_name,
    CAST(SUM(cells.count) AS INTEGER) AS count,
    GROUP_CONCAT(cells.category, ' + ') AS categories,
    GROUP_CONCAT(DISTINCT cells.source) AS source
FROM cells
JOIN categories AS s ON s.code = cells.series
JOIN countries AS c ON c.code = cells.country
GROUP BY cells.series, cells.period, cells.kind, cells.country
ORDER BY cells.series, cells.period, cells.kind, cells.country
