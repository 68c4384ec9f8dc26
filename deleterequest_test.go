package entitled

import "testing"

func TestCheckDelete(t *testing.T) {
	tests := []struct {
		state      RequestState
		deliveries int
		ok         bool
	}{
		{StateDenied, 0, true},
		{StateCanceled, 0, true},
		{StateDeliveryFailed, 0, true},
		{StateDelivered, 2, false},
		{StateCanceled, 1, false},
		{StatePartiallyDelivered, 1, false},
		{StateSubmitted, 0, false},
		{StatePendingApproval, 0, false},
		{StateScheduled, 0, false},
		{StateDelivering, 0, false},
	}
	for _, tt := range tests {
		r := &AssignmentRequest{ID: "r1", State: tt.state}
		err := r.CheckDelete(tt.deliveries)
		if (err == nil) != tt.ok {
			t.Errorf("%s with %d deliveries: %v, want ok=%v", tt.state, tt.deliveries, err, tt.ok)
		}
		if err != nil && ErrorKind(err) != KindConflict {
			t.Errorf("%s: kind %v, want conflict", tt.state, ErrorKind(err))
		}
	}
}
