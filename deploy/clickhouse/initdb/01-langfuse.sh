#!/bin/bash
# Creates the database and user Langfuse uses in the shared ClickHouse. Muninn's own user
# and database come from CLICKHOUSE_USER / CLICKHOUSE_DB; Muninn creates its tables itself.
set -euo pipefail
clickhouse client -n <<SQL
CREATE DATABASE IF NOT EXISTS langfuse;
CREATE USER IF NOT EXISTS langfuse IDENTIFIED WITH sha256_password BY '${LANGFUSE_CLICKHOUSE_PASSWORD}';
GRANT ALL ON langfuse.* TO langfuse;
GRANT ALL ON default.* TO langfuse;
SQL
