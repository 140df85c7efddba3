-- The least privilege rapportd needs on PostgreSQL (README "Running on PostgreSQL").
-- Run once as the database's owner — the role that runs `rapportctl migrate` — naming the
-- daemon's role:
--   psql -d rapport -v daemon=rapport -f postgresql-grants.sql
-- The owner creates and upgrades the tables; the daemon's role reads and writes rows and
-- nothing else: no superuser, no CREATE, no ALTER, so it cannot change the schema.
GRANT CONNECT ON DATABASE :"DBNAME" TO :"daemon";
GRANT USAGE ON SCHEMA public TO :"daemon";
-- What the owner creates from now on (each `rapportctl migrate`)…
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"daemon";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"daemon";
-- …and what it has created already.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"daemon";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"daemon";
