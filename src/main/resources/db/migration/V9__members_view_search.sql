-- The Members page at scale (issue 17: 100,000 members, p99 goal 30 ms). The list filters on role, origin,
-- temporary and status, sorts on e-mail, creation or last sign-in (then the member key), pages with OFFSET and
-- counts the matches; the search box is a substring match (ILIKE '%text%') on e-mail, name and key.

-- Substring search: trigram indexes (pg_trgm is a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX members_view_email_trgm ON members_view USING gin (email gin_trgm_ops);
CREATE INDEX members_view_name_trgm ON members_view USING gin (display_name gin_trgm_ops);
CREATE INDEX members_view_key_trgm ON members_view USING gin (member_key gin_trgm_ops);

-- Each sort with its tie-breaker, so a page is read in index order (no sort of every match).
DROP INDEX members_view_email;
DROP INDEX members_view_created;
CREATE INDEX members_view_by_email ON members_view (workspace_id, status, email, member_key);
CREATE INDEX members_view_by_created ON members_view (workspace_id, status, created_at, member_key);
CREATE INDEX members_view_by_sign_in ON members_view (workspace_id, status, last_sign_in_at, member_key);
-- The filters of the page, for counting and for filtered pages.
CREATE INDEX members_view_by_role ON members_view (workspace_id, status, role, origin);
