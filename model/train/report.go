package train

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/tutor-dev/tutor/model"
	"github.com/tutor-dev/tutor/model/atomicfile"
)

// ReportFile is the name of the report in a run directory.
const ReportFile = "report.json"

// Report is report.json: how the run went and where it ended. Losses are
// mean cross-entropies in nats per scored target.
type Report struct {
	Kind      string            `json:"kind"`                // "pretrain" or "finetune"
	Objective string            `json:"objective,omitempty"` // pre-training: causal, masked or both
	Head      string            `json:"head,omitempty"`      // fine-tuning: classification or tagging
	LoRA      *model.LoRAConfig `json:"lora,omitempty"`
	Model     model.Config      `json:"model"`
	Params    int64             `json:"params"`           // parameters of the model (adapters not included)
	Trainable int64             `json:"trainable_params"` // parameters the optimizer updates

	Steps        int     `json:"steps"`       // steps taken
	TotalSteps   int     `json:"total_steps"` // steps the config asks for
	TokensSeen   int64   `json:"tokens_seen"` // training positions processed (padding not counted)
	Epochs       float64 `json:"epochs"`      // passes over the training data
	StoppedEarly bool    `json:"stopped_early"`

	// TrainLoss is the mean training loss since the previous validation;
	// ValLoss the latest validation loss (the causal one when the
	// objective is "both"); BestValLoss the lowest, at BestStep, which
	// best/ holds.
	TrainLoss   float64 `json:"train_loss"`
	ValLoss     float64 `json:"val_loss"`
	BestValLoss float64 `json:"best_val_loss"`
	BestStep    int     `json:"best_step"`
	// UnigramValLoss is what predicting every validation target by its
	// frequency in the training data (add-one smoothed) costs: the number
	// ValLoss must beat. For a head, the frequencies are the labels'.
	UnigramValLoss float64 `json:"unigram_val_loss"`

	TokensPerS   float64 `json:"tokens_per_s"`  // training positions a second of training (validation and saving not counted)
	WallS        float64 `json:"wall_s"`        // seconds of the whole run, over all its resumptions
	SkippedSteps int     `json:"skipped_steps"` // steps whose gradient was not finite and was not applied

	Curve []CurvePoint `json:"curve"`
	// ClassificationReport is the best checkpoint's report on the
	// validation data, for heads.
	ClassificationReport *ClassReport `json:"classification_report,omitempty"`
	// Teacher is a distilled run's teacher, scored on the same validation
	// data, to read beside BestValLoss and ClassificationReport.
	Teacher *TeacherReport `json:"teacher,omitempty"`
}

// TeacherReport is the teacher of a distilled run and how it scores on the
// student's validation data.
type TeacherReport struct {
	Dir                  string       `json:"dir"` // its checkpoint
	Temperature          float64      `json:"temperature"`
	Alpha                float64      `json:"alpha"`
	Params               int64        `json:"params"`
	ValLoss              float64      `json:"val_loss"`
	ClassificationReport *ClassReport `json:"classification_report"`
}

// CurvePoint is one validation of the run.
type CurvePoint struct {
	Step      int      `json:"step"`
	Tokens    int64    `json:"tokens"`     // training positions seen by then
	LR        float32  `json:"lr"`         // the learning rate of that step
	TrainLoss float64  `json:"train_loss"` // mean over the steps since the previous point
	ValLoss   float64  `json:"val_loss"`
	ValMasked *float64 `json:"val_masked_loss,omitempty"` // objective "both": the masked objective's validation loss
	Accuracy  *float64 `json:"accuracy,omitempty"`        // heads
	MacroF1   *float64 `json:"macro_f1,omitempty"`        // heads
	WallS     float64  `json:"wall_s"`                    // seconds since the run began
}

// evaluation is one validation's result.
type evaluation struct {
	Loss       float64
	MaskedLoss *float64
	Baseline   float64 // the unigram cost of the same targets (0 without training data)
	Targets    int
	Report     *ClassReport
}

// ClassReport is precision, recall and F1 per class, as scikit-learn's
// classification_report gives them: support is the number of true
// examples of the class, and a ratio with nothing to divide is 0.
type ClassReport struct {
	Classes     []ClassScores `json:"classes"`
	Accuracy    float64       `json:"accuracy"`
	MacroAvg    Scores        `json:"macro_avg"`
	WeightedAvg Scores        `json:"weighted_avg"`
	Support     int           `json:"support"`
}

// Scores are the three measures and the support they rest on.
type Scores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// ClassScores are one class's scores.
type ClassScores struct {
	Label string `json:"label"`
	Scores
}

// NewClassReport scores the predictions pred against the truth, both
// indices into labels.
func NewClassReport(labels []string, truth, pred []int32) *ClassReport {
	K := len(labels)
	tp, predicted, actual := make([]int, K), make([]int, K), make([]int, K)
	correct := 0
	for i, y := range truth {
		p := pred[i]
		if int(y) < K {
			actual[y]++
		}
		if int(p) < K {
			predicted[p]++
		}
		if p == y {
			tp[y]++
			correct++
		}
	}
	r := &ClassReport{Support: len(truth)}
	for k, l := range labels {
		s := Scores{Precision: ratio(tp[k], predicted[k]), Recall: ratio(tp[k], actual[k]), Support: actual[k]}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		}
		r.Classes = append(r.Classes, ClassScores{Label: l, Scores: s})
		r.MacroAvg.add(s, 1/float64(K))
		if len(truth) > 0 {
			r.WeightedAvg.add(s, float64(s.Support)/float64(len(truth)))
		}
	}
	r.MacroAvg.Support, r.WeightedAvg.Support = len(truth), len(truth)
	r.Accuracy = ratio(correct, len(truth))
	return r
}

func (s *Scores) add(o Scores, w float64) {
	s.Precision += w * o.Precision
	s.Recall += w * o.Recall
	s.F1 += w * o.F1
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// String lays the report out as scikit-learn prints it.
func (r *ClassReport) String() string {
	width := len("weighted avg")
	for _, c := range r.Classes {
		width = max(width, len(c.Label))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%*s %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support")
	for _, c := range r.Classes {
		fmt.Fprintf(&b, "%*s %9.2f %9.2f %9.2f %9d\n", width, c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	fmt.Fprintf(&b, "\n%*s %9s %9s %9.2f %9d\n", width, "accuracy", "", "", r.Accuracy, r.Support)
	for _, a := range []struct {
		name string
		s    Scores
	}{{"macro avg", r.MacroAvg}, {"weighted avg", r.WeightedAvg}} {
		fmt.Fprintf(&b, "%*s %9.2f %9.2f %9.2f %9d\n", width, a.name, a.s.Precision, a.s.Recall, a.s.F1, a.s.Support)
	}
	return b.String()
}

// writeJSONFile writes v as indented JSON through a temporary file and a
// rename, so that a reader never sees half a report.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'))
}

// ReadReport reads a run's report.json.
func ReadReport(path string) (*Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}
