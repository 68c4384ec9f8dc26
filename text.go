package entitled

// Text is a sentence for people: Message in English (logs, the API), with
// the i18n catalogue key and placeholders that say it in other languages.
// An Args value may itself be a Text (said in the reader's language too) or
// a time.Time (shown in the reader's language and time zone). Key "" means
// Message is all there is.
type Text struct {
	Message string
	Key     string
	Args    Args
}
