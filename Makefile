# The two commands of the README: `make serve` and `make test`. Both set up
# everything they need on a machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001

# The database is rebuilt when anything it is made from changes.
SOURCES := $(wildcard raw/*) $(wildcard norway_returns/*.py) $(wildcard norway_returns/data/*.yml) \
           $(wildcard sql/views/*.sql) build_db.py

# Datasette's settings for this data: a short SQL time limit for a public site;
# every country of a table fits on one page of facets.
DATASETTE_SETTINGS := --setting sql_time_limit_ms 2000 --setting default_facet_size 30 \
                      --setting max_returned_rows 5000 --setting default_page_size 100

.PHONY: install build serve test clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: returns.db

returns.db: $(INSTALLED) $(SOURCES)
	$(BIN)/python build_db.py --raw raw --db returns.db

inspect-data.json: returns.db
	$(BIN)/datasette inspect returns.db --inspect-file $@

serve: returns.db inspect-data.json
	$(BIN)/datasette serve -i returns.db --inspect-file inspect-data.json --metadata metadata.yml \
		-h $(HOST) -p $(PORT) $(DATASETTE_SETTINGS)

test: $(INSTALLED)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) returns.db inspect-data.json .pytest_cache
