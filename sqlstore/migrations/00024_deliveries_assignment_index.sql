-- The index on deliveries.assignment_id cost a write per delivery for two
-- reads that go as well through the requests of the assignment's user
-- and package (assignment_requests_target) and deliveries_request:
-- what a removal revokes (grantedRoles) and whether a grant started
-- during a reconciliation (grantedSince). sqlstore/deliveries.go.

-- +goose Up
DROP INDEX deliveries_assignment;

-- +goose Down
CREATE INDEX deliveries_assignment ON deliveries(assignment_id);
