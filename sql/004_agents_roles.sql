-- 004_agents_roles.sql: enrolled agents, what each may report for, and the
-- least-privilege roles.
--
-- An agent is admitted by the collector's ZAP handler only if its CURVE public
-- key belongs to an enrolled, unrevoked agent; each report is checked against the
-- units in its scope. `cchc-collector agent enroll|revoke|list` manages the rows.

-- ---------------------------------------------------------------------------
-- agent: who may connect
-- ---------------------------------------------------------------------------
CREATE TABLE agent (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$'),
  -- Z85 text of the 32-byte CURVE public key, as in the .pub file.
  public_key text NOT NULL UNIQUE CHECK (length(public_key) = 40),
  note text NOT NULL DEFAULT '',
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  -- Revoked agents stay (their reports point at the name); revoked_at says since when.
  revoked_at timestamptz
);
COMMENT ON TABLE agent IS 'Enrolled agents: CURVE public key, revoked or not.';

-- agent_scope: the units an agent may report for: a unit, or a unit and its subtree.
CREATE TABLE agent_scope (
  agent_name text NOT NULL REFERENCES agent (name),
  unit_code text NOT NULL REFERENCES unit (code),
  subtree boolean NOT NULL DEFAULT false,
  PRIMARY KEY (agent_name, unit_code)
);

-- Every (agent, unit) pair allowed, the subtrees expanded.
CREATE VIEW agent_allowed_unit AS
SELECT s.agent_name, t.descendant_code AS unit_code
FROM agent_scope s
JOIN unit_tree t ON t.ancestor_code = s.unit_code AND (s.subtree OR t.depth = 0);

-- The collector LISTENs on cchc_agent and re-reads agents at once, so a
-- revocation takes effect on the next report, even on a connection already open.
CREATE FUNCTION agent_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('cchc_agent', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
CREATE TRIGGER agent_notify AFTER INSERT OR UPDATE OR DELETE ON agent
  FOR EACH STATEMENT EXECUTE FUNCTION agent_notify_change();
CREATE TRIGGER agent_scope_notify AFTER INSERT OR UPDATE OR DELETE ON agent_scope
  FOR EACH STATEMENT EXECUTE FUNCTION agent_notify_change();

-- ---------------------------------------------------------------------------
-- Roles. Group roles without login; a deployment creates login roles in them:
--   CREATE ROLE collector LOGIN PASSWORD '...' IN ROLE cchc_collector;
--   CREATE ROLE noivu LOGIN PASSWORD '...' IN ROLE cchc_reporting;
-- Migrations run as the owner of the database objects (whoever ran migrate).
-- Roles are per cluster, hence IF NOT EXISTS: a second database in the same
-- cluster reuses them.
-- ---------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cchc_collector') THEN
    CREATE ROLE cchc_collector NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cchc_reporting') THEN
    CREATE ROLE cchc_reporting NOLOGIN;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO cchc_collector, cchc_reporting;

-- The collector reads the catalogue and the agents, and inserts reports. It may
-- not update or delete them (the append-only triggers refuse that too), nor read
-- stored figures back: RETURNING needs SELECT on the three key columns only.
GRANT SELECT ON unit, indicator, agent, agent_scope, agent_allowed_unit, unit_tree
  TO cchc_collector;
GRANT INSERT ON submission, submission_value TO cchc_collector;
GRANT SELECT (id, spool_id, seq) ON submission TO cchc_collector;

-- Home Affairs reads the report views and the catalogue that labels them; never
-- the raw reports, the agents or their keys.
GRANT SELECT ON unit, indicator, rate, target,
  unit_tree, current_figure, rollup_figure, rollup_rate, rate_vs_target
  TO cchc_reporting;
