-- Counting a million requests by reading them takes 45-100 ms on SQLite
-- and more on PostgreSQL. request_counts keeps, per access package and
-- state, how many requests there are: triggers change it in the same
-- transaction as the request row, so a count read from it is exact, and a
-- $count of all requests, of one state or of one package reads a few rows.
--
-- On PostgreSQL each connection counts in its own row (shard is its
-- backend's pid), so two transactions never wait on each other's counter;
-- the rows of closed connections are folded into shard 0 by a periodic
-- job (RequestService.CompactRequestCounts). SQLite has one writer and
-- counts in shard 0 only. A count is the sum over the shards.

-- +goose Up
CREATE TABLE request_counts (
    access_package_id TEXT NOT NULL,
    state TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    n INTEGER NOT NULL,
    PRIMARY KEY (access_package_id, state, shard)
);

INSERT INTO request_counts (access_package_id, state, shard, n)
SELECT access_package_id, state, 0, count(*) FROM assignment_requests GROUP BY access_package_id, state;

-- +dialect sqlite
-- +goose StatementBegin
CREATE TRIGGER request_counts_insert AFTER INSERT ON assignment_requests
BEGIN
    INSERT INTO request_counts (access_package_id, state, shard, n) VALUES (new.access_package_id, new.state, 0, 1)
    ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER request_counts_update AFTER UPDATE OF state, access_package_id ON assignment_requests
WHEN old.state IS NOT new.state OR old.access_package_id IS NOT new.access_package_id
BEGIN
    UPDATE request_counts SET n = n - 1 WHERE access_package_id = old.access_package_id AND state = old.state AND shard = 0;
    INSERT INTO request_counts (access_package_id, state, shard, n) VALUES (new.access_package_id, new.state, 0, 1)
    ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER request_counts_delete AFTER DELETE ON assignment_requests
BEGIN
    UPDATE request_counts SET n = n - 1 WHERE access_package_id = old.access_package_id AND state = old.state AND shard = 0;
END;
-- +goose StatementEnd
-- +dialect postgres
-- Statement-level triggers: a batch of 64 requests changes its counters
-- with one upsert per package and state, not 64.
-- +goose StatementBegin
CREATE FUNCTION request_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO request_counts (access_package_id, state, shard, n)
        SELECT access_package_id, state, pg_backend_pid(), count(*) FROM new_rows
        GROUP BY access_package_id, state ORDER BY access_package_id, state
        ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = request_counts.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO request_counts (access_package_id, state, shard, n)
        SELECT access_package_id, state, pg_backend_pid(), -count(*) FROM old_rows
        GROUP BY access_package_id, state ORDER BY access_package_id, state
        ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = request_counts.n + excluded.n;
    ELSE
        INSERT INTO request_counts (access_package_id, state, shard, n)
        SELECT access_package_id, state, pg_backend_pid(), sum(d) FROM (
            SELECT o.access_package_id, o.state, -1 AS d FROM old_rows o JOIN new_rows w ON w.id = o.id
            WHERE o.state <> w.state OR o.access_package_id <> w.access_package_id
            UNION ALL
            SELECT w.access_package_id, w.state, 1 FROM old_rows o JOIN new_rows w ON w.id = o.id
            WHERE o.state <> w.state OR o.access_package_id <> w.access_package_id
        ) c
        GROUP BY access_package_id, state HAVING sum(d) <> 0 ORDER BY access_package_id, state
        ON CONFLICT (access_package_id, state, shard) DO UPDATE SET n = request_counts.n + excluded.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER request_counts_insert AFTER INSERT ON assignment_requests
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION request_counts_track();
CREATE TRIGGER request_counts_update AFTER UPDATE ON assignment_requests
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION request_counts_track();
CREATE TRIGGER request_counts_delete AFTER DELETE ON assignment_requests
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION request_counts_track();
-- +dialect end

-- +goose Down
-- +dialect sqlite
DROP TRIGGER request_counts_insert;
DROP TRIGGER request_counts_update;
DROP TRIGGER request_counts_delete;
-- +dialect postgres
DROP TRIGGER request_counts_insert ON assignment_requests;
DROP TRIGGER request_counts_update ON assignment_requests;
DROP TRIGGER request_counts_delete ON assignment_requests;
DROP FUNCTION request_counts_track();
-- +dialect end
DROP TABLE request_counts;
