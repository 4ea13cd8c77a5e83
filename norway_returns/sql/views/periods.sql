-- periods: each publication's month with labels that say what its figures cover.
-- The tables of a publication count persons returned so far this year, from January
-- to the end of its month; the labels say so:
--   ytd_label_en  'Jan–May 2024'  (January alone: 'Jan 2024')
--   ytd_label_no  'jan.–mai 2024' (January alone: 'jan. 2024')
--   month_label_en / month_label_no: the month itself, 'May 2024' / 'mai 2024', for the
--   figures of the month (returned in the month, convicted, minors).
-- Month names are abbreviated as the two languages' style guides do.
WITH names AS (
    SELECT
        p.period,
        p.year,
        p.month,
        json_extract('["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"]',
                     '$[' || (p.month - 1) || ']') AS short_en,
        json_extract('["jan.","feb.","mars","april","mai","juni","juli","aug.","sep.","okt.","nov.","des."]',
                     '$[' || (p.month - 1) || ']') AS short_no,
        json_extract('["January","February","March","April","May","June","July","August","September",'
                     || '"October","November","December"]', '$[' || (p.month - 1) || ']') AS long_en,
        json_extract('["januar","februar","mars","april","mai","juni","juli","august","september",'
                     || '"oktober","november","desember"]', '$[' || (p.month - 1) || ']') AS long_no
    FROM publications AS p
)
SELECT
    period,
    year,
    month,
    CASE WHEN month = 1 THEN 'Jan ' || year ELSE 'Jan–' || short_en || ' ' || year END AS ytd_label_en,
    CASE WHEN month = 1 THEN 'jan. ' || year ELSE 'jan.–' || short_no || ' ' || year END AS ytd_label_no,
    long_en || ' ' || year AS month_label_en,
    long_no || ' ' || year AS month_label_no
FROM names
ORDER BY period
