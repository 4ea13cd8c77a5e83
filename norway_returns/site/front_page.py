"""The front page's headline: the latest publication's figures and the countries most returned.

Read once per site (the database is immutable), from the views that derive each figure.
"""

from .state import kept


HEADLINE = """
select p.period, l.month_label_en, l.month_label_no, l.ytd_label_en, l.ytd_label_no, f.returned_in_month,
       s.ytd_total, y.ytd_total_prev_year, y.change_pct, s.convicted_in_month_pct,
       m.minors_in_month
from publications as p
join periods as l on l.period = p.period
left join monthly_figures as f on f.period = p.period
left join convicted_share as s on s.period = p.period
left join year_over_year as y on y.period = p.period
left join minors as m on m.period = p.period
order by p.period desc limit 1
"""
# the countries whose pages the front page links to: the latest publication's top nationalities
TOP_COUNTRIES = """
select w.country_name, c.name_no from returns_wide as w join countries as c on c.code = w.country
where w.kind = 'nationality' and w.period = (select max(period) from publications)
order by w.total desc, w.country limit 10
"""


def headline(datasette):
    """The index page's template variables: `headline`, `headline_db`, `top_countries`."""
    async def headline():
        db = next((d for name, d in datasette.databases.items() if name in kept(datasette, "names")), None)
        if db is None:
            return {"headline": None}
        front = kept(datasette, "front page")
        if db.name not in front or db.is_mutable:  # an immutable database: read once
            rows = (await db.execute(HEADLINE)).rows
            top = [(r[0], r[1] or r[0]) for r in await db.execute(TOP_COUNTRIES)]  # (English, Norwegian)
            front[db.name] = {"headline": dict(rows[0]) if rows else None, "headline_db": db.name,
                              "top_countries": top}
        return dict(front[db.name])
    return headline
