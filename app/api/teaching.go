package api

// The teaching endpoints: POST /api/v1/check marks the grammar errors of a
// learner's text and explains each; POST /api/v1/grade judges a free answer
// to an exercise against its reference answers.

// Error codes of the teaching endpoints, beside the general ones (invalid,
// too_large, unavailable, ...). The browser switches on them to tell the
// learner what to change.
const (
	CodeEmpty      = "empty"       // 422: nothing to check (blank text or answer)
	CodeTooLong    = "too_long"    // 413: more text than one check takes
	CodeNotEnglish = "not_english" // 422: the text is not English (say, Chinese)
)

// Limits of one teaching request. MaxCheckRunes is counted in characters
// (Unicode code points), as the edit offsets are.
const (
	MaxCheckRunes   = 2000 // text of one check; also exercise, answer and each reference of a grade (the grader takes less)
	MaxReferences   = 20   // reference answers of one grade
	MaxTeachingBody = 16 << 10
)

// CheckRequest asks for the grammar errors of a learner's text.
type CheckRequest struct {
	Text string `json:"text"`
}

// CheckResult is the text, the text with every edit applied, and the edits.
// Edits are sorted, never overlap, and their offsets are characters
// (Unicode code points, not bytes) into Text: text[start:end] is replaced by
// replacement; start == end inserts.
type CheckResult struct {
	Text      string      `json:"text"`
	Corrected string      `json:"corrected"`
	Edits     []CheckEdit `json:"edits"`
}

// CheckEdit is one marked error: where it is, what to write instead, its
// type (article, tense, spelling, ...) and why, in the learner's language
// and in English, with an example.
type CheckEdit struct {
	Start         int      `json:"start"`
	End           int      `json:"end"`
	Replacement   string   `json:"replacement"`
	Type          string   `json:"type"`
	ExplanationZH string   `json:"explanation_zh"`
	ExplanationEN string   `json:"explanation_en"`
	Example       *Example `json:"example,omitempty"` // nil when the explanation has none
	Confidence    float64  `json:"confidence"`        // the model's probability of the edit
}

// Example shows the rule of an edit on another sentence.
type Example struct {
	Wrong string `json:"wrong"`
	Right string `json:"right"`
}

// GradeRequest asks whether a learner's answer to an exercise is right,
// given the reference answers a teacher accepts.
type GradeRequest struct {
	Exercise   string   `json:"exercise"`
	References []string `json:"references"`
	Answer     string   `json:"answer"`
}

// Grades of an answer.
const (
	GradeCorrect    = "correct"
	GradeAcceptable = "acceptable" // right in meaning, with small errors
	GradeWrong      = "wrong"
)

// GradeResult is the grade, the model's probability of it, every grade's
// probability, and whether the answer equals a reference (then the grade is
// correct without asking the model).
type GradeResult struct {
	Grade      string             `json:"grade"`
	Confidence float64            `json:"confidence"`
	Scores     map[string]float64 `json:"scores"`
	Exact      bool               `json:"exact"`
}
