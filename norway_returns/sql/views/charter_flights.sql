-- charter_flights: forced returns on chartered flights, from monthly_figures:
-- the flights in the month and so far this year, as the publication states them,
-- and the difference (flights earlier in the year). NULL where not stated.
-- Computed numbers are CAST to INTEGER or REAL: that gives the view's column a type,
-- so that Datasette's filters (?column=20) compare numbers, not text.
SELECT
    f.period,
    f.charter_flights_in_month,
    f.charter_flights_ytd,
    CAST(f.charter_flights_ytd - f.charter_flights_in_month AS INTEGER) AS charter_flights_earlier_this_year
FROM monthly_figures AS f
ORDER BY f.period
