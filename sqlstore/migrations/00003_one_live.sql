-- +goose Up
-- entitled.CheckOneLive (one open add request or live assignment per user and
-- package; the lists are entitled.AddRequestTypes and OpenRequestStates) is
-- kept by the database itself, so that it holds under concurrent
-- transactions on PostgreSQL without serialising requests.
CREATE UNIQUE INDEX assignments_one_live ON assignments (target_id, access_package_id) WHERE state <> 'expired';
CREATE UNIQUE INDEX assignment_requests_one_open_add ON assignment_requests (target_id, access_package_id)
    WHERE request_type IN ('userAdd', 'adminAdd', 'systemAdd')
      AND state IN ('submitted', 'pendingApproval', 'scheduled', 'delivering');

-- +goose Down
DROP INDEX assignment_requests_one_open_add;
DROP INDEX assignments_one_live;
