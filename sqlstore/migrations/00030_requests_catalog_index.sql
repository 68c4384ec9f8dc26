-- No query reads assignment_requests through (catalog_id, id): a request's
-- catalog is tested only in the visibility condition, which ORs it with
-- requestor_id (unindexed) and so walks the requests in id order anyway,
-- and no filter of the API is on a request's catalog. The index cost a
-- write and about 92 bytes per request. The column stays: it is what
-- canSeeRequest checks.

-- +goose Up
DROP INDEX assignment_requests_catalog;

-- +goose Down
CREATE INDEX assignment_requests_catalog ON assignment_requests(catalog_id, id);
