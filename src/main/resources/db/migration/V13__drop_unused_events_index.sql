-- events_workspace (workspace_id, position) served no query of any release (every read of events is by position,
-- by transaction and position, or by stream); each append still wrote an entry into it. Dropping it is a catalog
-- change (no table rewrite); the releases before this one do not read it either, so replicas of both can run together.
DROP INDEX IF EXISTS events_workspace;
