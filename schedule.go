package entitled

import (
	"fmt"
	"time"
)

// RequestSchedule decides the rule "a request never outlives its policy": it
// checks the custom schedule a request was sent with (zero when none) and
// returns the schedule the request keeps. A custom schedule may start later
// and end sooner than the policy's expiration, never later: a request
// without an end, or ending after the policy's limit, is a 400 naming the
// limit. Without a custom expiration the policy's applies.
func RequestSchedule(policy Expiration, custom Schedule, now time.Time) (Schedule, error) {
	out := Schedule{StartDateTime: custom.StartDateTime, Expiration: policy}
	start := now
	if custom.StartDateTime != nil && custom.StartDateTime.After(now) {
		start = *custom.StartDateTime
	}
	limit := policy.EndFrom(start)
	if limit != nil && !limit.After(start) {
		return out, badSchedule("schedule.startDateTime", fmt.Sprintf("the policy ends every assignment on %s; a start at %s leaves no access to grant",
			limit.UTC().Format(time.RFC3339), start.UTC().Format(time.RFC3339))).WithKey("err.schedule.noAccessLeft", "End", limit.UTC().Format(time.RFC3339), "Start", start.UTC().Format(time.RFC3339))
	}
	switch custom.Expiration.Type {
	case "":
		return out, nil
	case ExpirationNotSpecified, ExpirationNone:
		if limit != nil {
			return out, badSchedule("schedule.expiration.type", "the policy limits access to "+describeLimit(policy, limit)+
				"; a request cannot ask for access without an end: send an expiration that ends by then, or leave schedule.expiration out").WithKey("err.schedule.endRequired", "Limit", describeLimit(policy, limit))
		}
	case ExpirationAfterPeriod:
		if custom.Expiration.Duration <= 0 {
			return out, badSchedule("schedule.expiration.duration", "schedule.expiration of type afterDuration needs a positive duration such as P30D").WithKey("err.schedule.badDuration")
		}
	case ExpirationAfterDate:
		if custom.Expiration.EndDateTime == nil || !custom.Expiration.EndDateTime.After(start) {
			return out, badSchedule("schedule.expiration.endDateTime", "schedule.expiration of type afterDateTime needs an endDateTime after the start").WithKey("err.schedule.badEnd")
		}
	default:
		return out, badSchedule("schedule.expiration.type", "schedule.expiration.type must be noExpiration, afterDuration or afterDateTime").WithKey("err.schedule.badExpirationType")
	}
	if end := custom.Expiration.EndFrom(start); limit != nil && end != nil && end.After(*limit) {
		target := "schedule.expiration.duration"
		if custom.Expiration.Type == ExpirationAfterDate {
			target = "schedule.expiration.endDateTime"
		}
		return out, badSchedule(target, "the policy limits access to "+describeLimit(policy, limit)+
			"; the requested schedule would end on "+end.UTC().Format(time.RFC3339)+": ask for less, or leave schedule.expiration out").WithKey("err.schedule.endsTooLate", "Limit", describeLimit(policy, limit), "End", end.UTC().Format(time.RFC3339))
	}
	out.Expiration = custom.Expiration
	return out, nil
}

// describeLimit words a policy's expiration for an error message.
func describeLimit(policy Expiration, limit *time.Time) string {
	if policy.Type == ExpirationAfterPeriod {
		return FormatISODuration(policy.Duration) + " (until " + limit.UTC().Format(time.RFC3339) + " for this request)"
	}
	return limit.UTC().Format(time.RFC3339)
}

// badSchedule is the 400 for a schedule the policy refuses; callers add
// the message key.
//
//i18n:keyed-by-caller
func badSchedule(target, msg string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: target, Message: msg}
}
