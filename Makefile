# The few commands a person needs. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations messages vendor clean

# The virtualenv is rebuilt when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The French catalogue is compiled with GNU gettext's msgfmt; without it the site runs in English.
# run_site (jobs/management/commands/run_site.py): the development server and the task worker,
# links to http://$(HOST):$(PORT) unless SITE_URL or SITE_HOST is set.
run: $(BIN)/.installed
	if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages --ignore '.*' --ignore node_modules -v0; \
	else echo "msgfmt not found (apt-get install gettext): the site will be in English only"; fi
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_workshop
	@echo
	@echo "  Site:   http://$(HOST):$(PORT)/   (outgoing email is printed here)"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  Create an organizer account with:  $(BIN)/python manage.py createsuperuser"
	@echo "  The task worker runs beside the server (emails, reminders, expired holds); Ctrl-C stops both."
	@echo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py run_site $(HOST):$(PORT)

# Node packages the tests use (ical.js, a second iCalendar parser; axe-core for accessibility).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations: $(BIN)/.installed
	$(BIN)/python manage.py makemigrations

# After marking new strings: adds them to locale/fr/LC_MESSAGES/django.po, to translate there
# (README: Languages). The same command as the check in tests/test_translations.py.
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages --locale fr --add-location file --no-obsolete \
		--ignore '.*' --ignore node_modules --ignore static --ignore staticfiles --ignore tests --ignore bench

# Copies the front-end assets from npm into static/vendor/ (committed; nothing is fetched at run time).
vendor:
	npm install --no-audit --no-fund
	rm -rf static/vendor/katex && mkdir -p static/vendor/katex/contrib
	cp -r node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css node_modules/katex/dist/fonts static/vendor/katex/
	cp node_modules/katex/dist/contrib/auto-render.min.js static/vendor/katex/contrib/
	cp node_modules/katex/LICENSE static/vendor/katex/LICENSE

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Benchmarks (bench/RESULTS.md): gunicorn + wrk against PostgreSQL at 127.0.0.1:5432, in a
# database of its own (lorainne_bench, dropped after); installs wrk with apt-get if missing. Then
# the organizers' figures: an announcement queued to 1,000 people, 500 badges, the check-in search,
# the committee's lists with 300 submissions, 200 certificates of attendance, the book of abstracts
# of 40 talks and 60 posters.
.PHONY: bench
bench: $(BIN)/.installed
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.announcement
	$(BIN)/python -m bench.badges
	$(BIN)/python -m bench.check_in
	$(BIN)/python -m bench.review
	$(BIN)/python -m bench.certificates
	$(BIN)/python -m bench.book
