package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// OpenTestDB gives the external tests (package sqlstore_test) a fresh,
// migrated database of the run's backend.
var OpenTestDB = openTestDB

// DeliveryWork loads one delivery to attempt (DeliveryWorks for one); a
// CodeStale conflict when it is final, was started again (another run)
// since the job was queued, or no longer exists.
func (s *DeliveryService) DeliveryWork(ctx context.Context, deliveryID string, run int) (*entitled.DeliveryWork, error) {
	works, err := s.DeliveryWorks(ctx, []entitled.DeliveryRun{{ID: deliveryID, Run: run}})
	if err != nil {
		return nil, err
	}
	if works[0] == nil {
		return nil, errStale("delivery %s run %d no longer applies: it is final, on another run, or gone", deliveryID, run)
	}
	return works[0], nil
}

// RecordDeliveryOutcome stores one attempt's result and, when the
// delivery is final and so are all of its request's, rolls the request and
// its assignment up (entitled.RollUp). Outcomes of an outdated run are ignored.
func (s *DeliveryService) RecordDeliveryOutcome(ctx context.Context, o entitled.DeliveryOutcome) error {
	return s.RecordDeliveryOutcomes(ctx, []entitled.DeliveryOutcome{o})
}
