"""Datasette plugin: a facet asked for twice is counted once.

Datasette 0.65 counts a facet once for each time it is asked: a table whose metadata
facets it by period, opened with `?_facet=period` (a link shared from another site, a URL
written by hand), shows the period list twice ("period" and "period_2") and counts it twice.
The first of each is kept (the metadata's, which a reader cannot remove), the rest dropped.
"""

import json

from datasette import facets

if not getattr(facets.Facet.get_configs, "counted_once", False):  # once however often loaded
    asked = facets.Facet.get_configs

    def get_configs(self):
        seen, configs = set(), []
        for source_and_config in asked(self):
            key = json.dumps(source_and_config["config"], sort_keys=True)
            if key not in seen:
                seen.add(key)
                configs.append(source_and_config)
        return configs

    get_configs.counted_once = True
    facets.Facet.get_configs = get_configs
