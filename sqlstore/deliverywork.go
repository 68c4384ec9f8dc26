package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// DeliveryWorks loads deliveries with their target subjects and connected
// systems in two queries, in the order given. An entry is nil when the
// delivery no longer exists, is final, or is on another run. On PostgreSQL
// the join is planned for each call (bulkArgs): a plan cached while the
// tables were small would scan them whole once they have grown.
func (s *DeliveryService) DeliveryWorks(ctx context.Context, runs []entitled.DeliveryRun) ([]*entitled.DeliveryWork, error) {
	out := make([]*entitled.DeliveryWork, len(runs))
	if len(runs) == 0 {
		return out, nil
	}
	ids := make([]any, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	cond, args, err := s.db.idIn("d.id", ids)
	if err != nil {
		return nil, err
	}
	s.db.statement(deliveryWorksQuery + cond)
	rows, err := s.db.reader().QueryContext(ctx, s.db.rebind(deliveryWorksQuery+cond), s.db.bulkArgs(args)...)
	if err != nil {
		return nil, fmt.Errorf("load deliveries: %w", err)
	}
	defer rows.Close()
	found := map[string]*entitled.DeliveryWork{}
	for rows.Next() {
		var u entitled.User
		d, err := scanDelivery(rows, &u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail)
		if err != nil {
			return nil, err
		}
		found[d.ID] = &entitled.DeliveryWork{Delivery: *d, Grant: entitled.Grant{Subject: entitled.SubjectOf(u),
			Resource: d.Resource, Role: d.Role, RequestID: d.RequestID, DeliveryID: d.ID, IdempotencyKey: d.IdempotencyKey()}}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	systems := map[string]*entitled.ConnectedSystem{}
	for i, r := range runs {
		w := found[r.ID]
		if w == nil || w.Delivery.Status.IsFinal() || w.Delivery.Run != r.Run {
			continue
		}
		out[i] = w
		systems[w.Delivery.SystemID] = nil
	}
	if err := s.loadSystems(ctx, systems); err != nil {
		return nil, err
	}
	for i, w := range out {
		if w == nil {
			continue
		}
		sys := systems[w.Delivery.SystemID]
		if sys == nil {
			out[i] = nil // the system was deleted since
			continue
		}
		w.System = *sys
	}
	return out, nil
}

const deliveryWorksQuery = `SELECT ` + deliveryCols + `, u.id, u.user_principal_name, u.display_name, u.mail
	FROM ` + deliveriesFrom + ` JOIN users u ON u.id = r.target_id
	WHERE `

// loadSystems fills a map keyed by system id with the systems that exist.
func (s *DeliveryService) loadSystems(ctx context.Context, systems map[string]*entitled.ConnectedSystem) error {
	if len(systems) == 0 {
		return nil
	}
	ids := make([]any, 0, len(systems))
	for id := range systems {
		ids = append(ids, id)
	}
	cond, args, err := s.db.idIn("id", ids)
	if err != nil {
		return err
	}
	// The text is the same for any number of systems on PostgreSQL (an
	// array), so it stays prepared; systems are few, any plan is cheap.
	q := `SELECT ` + systemCols + ` FROM systems WHERE ` + cond
	s.db.statement(q)
	rows, err := s.db.reader().QueryContext(ctx, s.db.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("load connected systems: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sys, err := s.db.scanSystem(rows)
		if err != nil {
			return err
		}
		systems[sys.ID] = sys
	}
	return rows.Err()
}
