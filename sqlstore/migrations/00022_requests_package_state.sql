-- The Requests tab of a package opens on the requests that need attention:
-- those of the package in deliveryFailed or partiallyDelivered, completed
-- within the reprocess window. Without this index the count walks every
-- request of the package (2 s for a package of 1,000,000 requests on
-- SQLite); with it, it reads only the failed ones. Lists of one package in
-- one state use it too.

-- +goose Up
CREATE INDEX assignment_requests_package_state ON assignment_requests(access_package_id, state, completed_at);

-- +goose Down
DROP INDEX assignment_requests_package_state;
