package sqlstore

// patchNames applies a PATCH's display name (refused when blank) and
// description to the fields name and description; a nil value leaves its
// field as it is.
func patchNames(name, description *string, newName, newDescription *string) error {
	if newName != nil {
		if err := needDisplayName(*newName); err != nil {
			return err
		}
		*name = *newName
	}
	if newDescription != nil {
		*description = *newDescription
	}
	return nil
}
