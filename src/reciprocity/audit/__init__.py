"""The batch audit over SQLite: ingest notices in parallel, group winners, read them back, aggregate, export.

Read top-down, each module one job:

- `sources`: where documents come from (files, folders, .zip, TED .tar.gz packages), never extracted to disk;
- `ingest`: the parallel, resumable batch (sources -> parse + assess in workers -> one writer);
- `schema`: the narrow tables and their indexes; `rows`: one assessed notice -> the rows of the tables (built in
  the workers); `store`: the idempotent, batched writes; `records`: rows -> the Assessment JSON and the earlier
  table shapes;
- `names` (identifier keys, normalised names) and `entities` (incremental grouping): the same winner across
  notices (identifiers, then names);
- `filters`, `listing`, `queries`: the read side shared by the CLI, the pages and the JSON API (filters and sorts
  as SQL, keyset pages with cached totals, one tender);
- `aggregates` (SQL cubes, materialised per ingest run), `frames` (the same cubes from pandas row frames), `stats`
  (the report from cubes) and `stats_text` (its terminal rendering); `export`: tables as CSV/XLSX/Parquet.
- beyond one machine: `dask_ingest` (the batch on a Dask cluster) writes a Parquet `dataset` (one partition per
  input batch); `load` puts a dataset into the store; `dataset_report` computes the report over it;
- every day: `ted_packages` (TED's daily packages, calendar and downloads) and `watch` (ingest what is new, list
  its findings).

Arrows point down only: `audit` uses `assess`, `rules`, `parsers` and `model`, never the CLI or the web app.
"""
