# The two commands of the README: `make serve` and `make test`. Both set up
# everything they need on a machine with python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001

# The database is rebuilt when anything it is made from changes.
SOURCES := $(wildcard raw/*) $(wildcard norway_returns/*.py norway_returns/*/*.py) $(wildcard norway_returns/data/*.yml) \
           $(wildcard norway_returns/sql/views/*.sql) build_db.py

# The browser tests drive Debian's Chromium (no browser download).
CHROMIUM := /usr/bin/chromium
# A scanned publication is read by Debian's tesseract, with its English and Norwegian data.
TESSERACT := /usr/bin/tesseract
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install build serve test test-fast screenshots fuzz bench bench-compat bench-pages bench-ocr publish-files package loadtest fixtures scans clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: returns.db

returns.db: $(INSTALLED) $(SOURCES)
	$(BIN)/norway-returns build --raw raw --db returns.db

# Datasette's command line and settings live in norway_returns/site/serve.py, shared with the tests.
# The data package is served at /package/.
serve: returns.db package
	$(BIN)/norway-returns serve --db returns.db --raw raw --package package --host $(HOST) --port $(PORT)

# The data as files in package/: a Frictionless data package (a CSV per table) and its
# DCAT-AP-NO description (catalog.ttl), described from metadata.yml.
package: package/datapackage.json

package/datapackage.json: returns.db norway_returns/site/metadata.yml norway_returns/data/publishing.yml
	$(BIN)/norway-returns package package --db returns.db

# A directory `fly deploy` can build from: Datasette and its plugins pinned, the project's
# wheel, the same metadata and settings as `make serve`.
publish-files: returns.db
	$(BIN)/norway-returns publish files publish --db returns.db --raw raw

# Build speed at archive scale: 120 synthetic monthly PDFs (not part of `make test`).
bench: $(INSTALLED)
	$(BIN)/python bench/bench.py

# The gain of each Datasette internal the site patches (site/compat.py): the same pages with
# and without it, in one run (not part of `make test`).
bench-compat: $(INSTALLED)
	$(BIN)/python bench/compat.py

# What a first-time reader's browser downloads and waits for, page by page, in Chromium on an
# emulated phone-grade link, against a one-chart page (not part of `make test`).
bench-pages: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python bench/pages.py

# Load test (not part of `make test`): wrk against the site as `make serve` runs it.
loadtest: $(INSTALLED)
	command -v wrk >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python tools/loadtest.py

# The test documents of tests/documents/ (committed; `make test` does not need these tools):
# Word documents (python-docx) saved as PDF by LibreOffice, HTML printed and saved by Chromium,
# poppler's text, LaTeX (texlive-latex-base) and PostScript (ghostscript's ps2pdf).
fixtures: $(INSTALLED) $(CHROMIUM)
	command -v soffice >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libreoffice-writer-nogui fonts-liberation; }
	command -v pdftotext >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils; }
	command -v pdflatex >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq texlive-latex-base lmodern; }
	command -v ps2pdf >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ghostscript; }
	$(BIN)/pip install --quiet 'python-docx>=1.1,<2'
	$(BIN)/python tools/make_fixtures.py --out tests/documents

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

$(TESSERACT):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq tesseract-ocr tesseract-ocr-eng tesseract-ocr-nor

test: $(INSTALLED) $(CHROMIUM) $(TESSERACT)
	$(BIN)/pytest

# The fast tests alone (under a minute): not the slow ones listed in tests/conftest.py (SLOW),
# which `make test` runs too (pytest -m slow runs only those).
test-fast: $(INSTALLED) $(TESSERACT)
	$(BIN)/pytest -m "not slow"

# The scans of tests/documents/scans/ (committed; `make test` does not need these tools): test
# PDFs rasterised by poppler's pdftoppm, made into what a scanner or a copier gives, wrapped by img2pdf.
scans: $(INSTALLED)
	command -v pdftoppm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils; }
	command -v img2pdf >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq img2pdf; }
	$(BIN)/python tools/make_scans.py --out tests/documents/scans

# OCR time and accuracy per scan, against reading the text PDF it was made from, in one run
# (not part of `make test`).
bench-ocr: $(INSTALLED) $(TESSERACT)
	$(BIN)/python bench/ocr.py

# The README's screenshots, taken by the browser test into docs/screenshots/.
screenshots: $(INSTALLED) $(CHROMIUM)
	SCREENSHOTS=docs $(BIN)/pytest tests/test_browser.py

# The older editions (until 2021) in tests/documents/older/, made from raw/'s tables;
# Chromium prints one of them. Committed, so that `make test` does not make them.
.PHONY: older-documents
older-documents: $(INSTALLED) $(CHROMIUM)
	$(BIN)/python tools/make_older_publications.py tests/documents/older

# More fuzzing than `make test` does, with a fresh random seed each run.
fuzz: $(INSTALLED)
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-20000} $(BIN)/pytest tests/test_fuzz.py -k only_build_errors

clean:
	rm -rf $(VENV) returns.db inspect-data.json .pytest_cache .cache package
