package delivery

import "github.com/riverqueue/river/rivertype"

type riverJobRow = rivertype.JobRow
