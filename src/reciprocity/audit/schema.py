"""The store's tables, their columns in write order, and the indexes every list filter and sort uses.

Only what cannot be derived is stored, in narrow tables (issue 13):
- `notices` holds the columns the list filters, sorts and shows (one narrow row per notice, no JSON document);
- `notice_documents` holds what the notice says (its JSON, compressed) and the assessment parts that have no
  table of their own (SME score, coverage, origin, benefit), read only to show or export one tender;
- `findings` holds one short row per finding (code, severity, status, lot, evidence), its rowid made of its
  notice's rowid and its position (FINDING_ROWID): a notice's findings are one rowid range, found and appended
  without a second index; the long texts a finding
  shares with thousands of others (messages, recommendations, legal reference) are stored once in
  `finding_texts`, keyed by a digest of their content, so equal texts are one row whatever the insert order;
- `lots`, `results` and `winners` are keyed by (notice id, position): ids such as `<notice>#R0W1` and the
  values a winner shares with its result are computed when read, never stored twice.
The Assessment JSON of a stored tender is rebuilt from these rows when asked (`records.py`).
`sirene_units` / `sirene_establishments` hold what INSEE's SIRENE register says of the SIRENs / SIRETs the
notices name (`reciprocity enrich sirene`, audit/sirene.py), applied to notices as they are assessed.
"""

from __future__ import annotations

SCHEMA_VERSION = 2

COLUMNS: dict[str, tuple[str, ...]] = {
    "notices": (
        "id", "family", "version_key", "source_format", "schema_version", "form", "kind", "publication_number",
        "notice_uuid", "version", "dispatch_date", "publication_date", "year", "buyer_name", "buyer_country",
        "buyer_identifiers", "buyer_legal_type", "buyer_category", "cpv_main", "cpv_division", "contract_nature",
        "procedure_type", "estimated_value", "estimated_currency", "estimated_value_eur", "awarded_value_eur",
        "title", "lots_count", "results_count", "winners_count", "sme_score", "benefit_priority", "benefit_reasons",
        "flagged_codes", "parse_warnings_count", "source_file", "buyer_nuts",
    ),
    "notice_documents": ("notice_id", "notice", "assessment"),
    "lots": ("notice_id", "position", "lot_id", "title", "cpv_main", "estimated_value", "estimated_currency",
             "sme_suitable"),
    "results": ("notice_id", "position", "lot_id", "status", "received_total", "received_sme", "received_other_eea",
                "received_non_eea", "value", "currency", "value_eur", "winners_count", "contract_date"),
    "winners": ("notice_id", "result", "position", "name", "country", "postcode", "city", "identifiers",
                "identifier_types", "size", "sme", "origin_class"),
    "findings": ("notice_id", "position", "code", "severity", "status", "lot", "text_id", "evidence"),
    "finding_texts": ("id", "area", "confidence", "message", "message_fr", "legal_ref", "recommendation",
                      "recommendation_fr", "extra"),
}
FINDING_BITS = 16  # a finding's rowid is (notice rowid << FINDING_BITS) + its position in the notice
# the tables one notice's rows go to (finding_texts rows are shared between notices)
NOTICE_TABLES = ("notices", "notice_documents", "lots", "results", "winners", "findings")
CHILD_TABLES = ("notice_documents", "lots", "results", "winners", "findings")

SCHEMA = """
CREATE TABLE IF NOT EXISTS notices (
    id TEXT PRIMARY KEY, family TEXT NOT NULL, version_key TEXT NOT NULL,
    source_format TEXT, schema_version TEXT, form TEXT, kind TEXT, publication_number TEXT, notice_uuid TEXT,
    version TEXT, dispatch_date TEXT, publication_date TEXT, year INTEGER,
    buyer_name TEXT, buyer_country TEXT, buyer_identifiers TEXT, buyer_legal_type TEXT, buyer_category TEXT,
    cpv_main TEXT, cpv_division TEXT, contract_nature TEXT, procedure_type TEXT,
    estimated_value TEXT, estimated_currency TEXT, estimated_value_eur REAL, awarded_value_eur REAL,
    title TEXT, lots_count INTEGER, results_count INTEGER, winners_count INTEGER, sme_score REAL,
    benefit_priority REAL NOT NULL DEFAULT 0, benefit_reasons TEXT, flagged_codes TEXT, parse_warnings_count INTEGER,
    source_file TEXT, buyer_nuts TEXT
);
CREATE TABLE IF NOT EXISTS notice_documents (
    notice_id TEXT PRIMARY KEY, notice BLOB NOT NULL, assessment BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS lots (
    notice_id TEXT NOT NULL, position INTEGER NOT NULL, lot_id TEXT, title TEXT, cpv_main TEXT,
    estimated_value TEXT, estimated_currency TEXT, sme_suitable INTEGER, PRIMARY KEY (notice_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
    notice_id TEXT NOT NULL, position INTEGER NOT NULL, lot_id TEXT, status TEXT,
    received_total INTEGER, received_sme INTEGER, received_other_eea INTEGER, received_non_eea INTEGER,
    value TEXT, currency TEXT, value_eur REAL, winners_count INTEGER, contract_date TEXT,
    PRIMARY KEY (notice_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS winners (
    notice_id TEXT NOT NULL, result INTEGER NOT NULL, position INTEGER NOT NULL,
    name TEXT, country TEXT, postcode TEXT, city TEXT, identifiers TEXT, identifier_types TEXT, size TEXT,
    sme INTEGER, origin_class TEXT, entity_id TEXT, entity_method TEXT, entity_score REAL, entity_matched TEXT,
    PRIMARY KEY (notice_id, result, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS findings (
    notice_id TEXT NOT NULL, position INTEGER NOT NULL, code TEXT NOT NULL, severity TEXT, status TEXT,
    lot TEXT, text_id BLOB NOT NULL, evidence TEXT
);
CREATE TABLE IF NOT EXISTS finding_texts (
    id BLOB PRIMARY KEY, area TEXT, confidence TEXT, message TEXT, message_fr TEXT, legal_ref TEXT,
    recommendation TEXT, recommendation_fr TEXT, extra TEXT
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS notices_fts USING fts5(
    title, buyer, winners, content='', detail='column', tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY, name TEXT, country TEXT, identifiers TEXT, method TEXT, members INTEGER,
    names TEXT, awards INTEGER
);
CREATE TABLE IF NOT EXISTS entity_keys (
    key TEXT PRIMARY KEY, entity_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_names (
    country TEXT NOT NULL, norm TEXT NOT NULL, entity_id TEXT NOT NULL, block TEXT NOT NULL,
    PRIMARY KEY (country, norm, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities_stale (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), token TEXT NOT NULL, generation INTEGER NOT NULL,
    aggregated INTEGER NOT NULL DEFAULT -1
);
INSERT OR IGNORE INTO store_state (id, token, generation) VALUES (1, lower(hex(randomblob(8))), 0);
CREATE TABLE IF NOT EXISTS sirene_units (
    siren TEXT PRIMARY KEY, name TEXT, legal_category TEXT, activity TEXT, company_category TEXT,
    company_category_year INTEGER, state TEXT, source_file TEXT, loaded_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sirene_establishments (
    siret TEXT PRIMARY KEY, siren TEXT, name TEXT, postcode TEXT, city TEXT, head_office INTEGER, state TEXT,
    source_file TEXT, loaded_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_runs (
    id INTEGER PRIMARY KEY, started TEXT, finished TEXT, paths TEXT, workers INTEGER, files INTEGER,
    skipped INTEGER, notices INTEGER, errors INTEGER, status TEXT
);
CREATE TABLE IF NOT EXISTS ingest_files (
    file TEXT PRIMARY KEY, sha1 TEXT, notices INTEGER, errors INTEGER, run INTEGER, done_at TEXT
);
CREATE TABLE IF NOT EXISTS ingest_errors (
    id TEXT PRIMARY KEY, file TEXT, member TEXT, error TEXT, run INTEGER
);
"""

# The list's sort keys (filters.SORTS): every sort ends with the notice id, so the order is total and a page can
# start after the last row of the one before (keyset pagination) instead of counting past OFFSET rows.
SORT_KEYS = {
    "priority": "-benefit_priority",  # highest first, then by id: one ascending key, one index range
    "date": "coalesce(dispatch_date, publication_date)",
    "value": "coalesce(awarded_value_eur, estimated_value_eur)",
}
# Equality filters that get one index per sort: (filter column, sort key, id) serves filter + order + page.
EQUALITY_COLUMNS = ("buyer_country", "year", "kind", "procedure_type", "buyer_category", "cpv_division")


def _notice_indexes() -> dict[str, str]:
    indexes = {f"idx_notices_{sort}": f"{key}, id" for sort, key in SORT_KEYS.items()}
    for column in EQUALITY_COLUMNS:
        for sort, key in SORT_KEYS.items():
            indexes[f"idx_notices_{column}_{sort}"] = f"{column}, {key}, id"
    indexes["idx_notices_family"] = "family"  # the version check of every write
    indexes["idx_notices_uuid"] = "notice_uuid"  # the notice a change notice replaces (changes.py)
    indexes["idx_notices_source_file"] = "source_file"  # the notices of one file or package (watch.py)
    return {name: f"notices ({columns})" for name, columns in indexes.items()}


INDEXES = {
    **_notice_indexes(),
    # Filters on findings read only flagged rows: partial indexes hold one row in ten, covering the filter.
    "idx_findings_flagged_code": "findings (code, notice_id) WHERE status = 'flagged'",
    "idx_findings_flagged_severity": "findings (severity, notice_id) WHERE status = 'flagged'",
    "idx_winners_origin_class": "winners (coalesce(origin_class, 'UNKNOWN'), notice_id)",
    "idx_winners_entity": "winners (entity_id)",
    "idx_entities_name": "entities (country, name)",
    "idx_entity_keys_entity": "entity_keys (entity_id)",
    "idx_entity_names_entity": "entity_names (entity_id)",
    "idx_entity_names_block": "entity_names (country, block)",
    "idx_ingest_errors_file": "ingest_errors (file)",
}


def ensure_schema(db) -> None:
    """Create the tables and indexes when missing; a store written by an earlier layout is an error naming it."""
    from ..errors import ConfigError

    version = db.execute("PRAGMA user_version").fetchone()[0]
    old = db.execute("SELECT 1 FROM pragma_table_info('notices') WHERE name = 'assessment_json'").fetchone()
    if old or version > SCHEMA_VERSION:
        path = db.execute("PRAGMA database_list").fetchone()[2] or "(memory)"
        raise ConfigError(f"database {path} was written by {'an earlier' if old else 'a later'} version of "
                          "reciprocity (another table layout): ingest the notices again into a new database")
    db.executescript(SCHEMA)
    _add_columns(db)
    for name, target in INDEXES.items():
        table, _, rest = target.partition(" ")
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {rest}")
    if version != SCHEMA_VERSION:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# columns added to a table after stores were written (issue 14): added in place, NULL for the notices stored before
ADDED_COLUMNS = {"notices": {"buyer_nuts": "TEXT"}}  # the buyer's NUTS code (BT-507), for its region (NUTS 2)


def _add_columns(db) -> None:
    for table, columns in ADDED_COLUMNS.items():
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
        for column, kind in columns.items():
            if column not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
