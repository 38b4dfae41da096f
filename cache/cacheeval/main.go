package cacheeval

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/muninn-gw/muninn/cache"
	"github.com/muninn-gw/muninn/cache/embed"
	"github.com/muninn-gw/muninn/cache/embed/uselite"
	"github.com/muninn-gw/muninn/vectorstore"
	"github.com/muninn-gw/muninn/vectorstore/memory"
)

// Main runs the evaluation through the real cache with the built-in embedder and the
// built-in vector store, and prints Markdown tables. cmd/muninn exposes it as
// `muninn eval-cache`. It returns a process exit code.
func Main(args []string) int { return run(args, os.Stdout, os.Stderr) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval-cache", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.Float64("from", 0.60, "lowest threshold")
	to := fs.Float64("to", 0.98, "highest threshold")
	step := fs.Float64("step", 0.02, "threshold step")
	def := fs.Float64("threshold", cache.DefaultThreshold, "the default threshold to report on")
	topK := fs.Int("topk", cache.DefaultTopK, "semantic candidates per lookup")
	out := fs.String("out", "", "also write the Markdown report to this file")
	check := fs.Bool("check", false, "exit 1 when the held-out set misses the targets at -threshold")
	guards := fs.Bool("guard-ablation", true, "also run with the coverage guards off, to measure them")
	save := fs.String("save", "", "save the raw outcome (candidates and similarities) to this JSON file")
	failures := fs.String("failures", "", "list the failures of one part (tune, report or all) at -threshold")
	load := fs.String("load", "", "score a saved outcome instead of embedding again (near-miss verdicts are recomputed)")
	cv := fs.Bool("cv", false, "with -load: print only the tuning set and its folds (tune-a, tune-b, …), for cross-validation")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *from <= 0 || *to > 1 || *from > *to || *step <= 0 {
		fmt.Fprintln(stderr, "eval-cache: need 0 < -from <= -to <= 1 and -step > 0")
		return 2
	}
	var ths []float64
	for t := *from; t <= *to+1e-9; t += *step {
		ths = append(ths, float64(int(t*1000+0.5))/1000)
	}
	start := time.Now()
	if *load != "" {
		o, ablated, err := loadOutcomes(*load)
		if err != nil {
			fmt.Fprintln(stderr, "eval-cache:", err)
			return 1
		}
		if *cv {
			o.WriteCrossValidation(stdout, ths, *def)
			return 0
		}
		if *failures != "" {
			h := *failures
			if h == "all" {
				h = ""
			}
			o.WriteFailures(stdout, *def, o.Half(h))
			return 0
		}
		var buf bytes.Buffer
		ok := WriteReport(&buf, o, ablated, ReportOptions{Thresholds: ths, Default: *def,
			Embedder: o.Embedder, Store: memory.Kind, Elapsed: time.Since(start)})
		stdout.Write(buf.Bytes())
		if *check && !ok {
			return 1
		}
		return 0
	}
	set, err := Load()
	if err != nil {
		fmt.Fprintln(stderr, "eval-cache:", err)
		return 1
	}
	emb, err := uselite.Default()
	if err != nil {
		fmt.Fprintln(stderr, "eval-cache:", err)
		return 1
	}
	ctx := context.Background()
	cfg := cache.Config{Threshold: ths[0], TopK: *topK, StoreQueue: 4096, FlightWait: -1}
	o, err := collectWith(ctx, set, emb, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "eval-cache:", err)
		return 1
	}
	o.Embedder = emb.Model()
	var ablated *Outcome
	if *guards {
		cfg.Guards.AllowUncovered, cfg.Guards.AllowTruncated = true, true
		if ablated, err = collectWith(ctx, set, emb, cfg); err != nil {
			fmt.Fprintln(stderr, "eval-cache:", err)
			return 1
		}
	}
	if *save != "" {
		if err := saveOutcomes(*save, o, ablated); err != nil {
			fmt.Fprintln(stderr, "eval-cache:", err)
			return 1
		}
	}
	var buf bytes.Buffer
	ok := WriteReport(&buf, o, ablated, ReportOptions{Thresholds: ths, Default: *def,
		Embedder: emb.Model(), Store: memory.Kind, Elapsed: time.Since(start)})
	stdout.Write(buf.Bytes())
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(stderr, "eval-cache:", err)
			return 1
		}
	}
	if *check && !ok {
		fmt.Fprintln(stderr, "eval-cache: targets not met at the default threshold")
		return 1
	}
	return 0
}

func collectWith(ctx context.Context, set *Set, emb embed.Embedder, cfg cache.Config) (*Outcome, error) {
	st, err := memory.New(memory.Config{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var store vectorstore.Store = st
	c, err := cache.New(cfg, cache.Options{Store: store, Embedder: emb})
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	return Collect(ctx, set, c)
}

// ReportOptions describe a report.
type ReportOptions struct {
	Thresholds      []float64
	Default         float64
	Embedder, Store string
	Elapsed         time.Duration
}

// WriteReport writes the whole Markdown report and returns whether the held-out set meets
// DefaultTargets at the default threshold. ablated, when not nil, is the same run with
// the coverage guards off.
func WriteReport(w io.Writer, o, ablated *Outcome, ro ReportOptions) bool {
	tuneG, tuneP, tuneN, tuneU := countHalf(o, "tune")
	repG, repP, repN, repU := countHalf(o, "report")
	fmt.Fprintf(w, "## Semantic cache evaluation\n\n")
	fmt.Fprintf(w, "Embedder `%s`, vector store `%s`, one cache scope holding every anchor (tuning queries are scored without the held-out ones); %d groups "+
		"(tuning set: %d groups, %d paraphrases, %d near-misses, %d unrelated; held-out set: %d groups, "+
		"%d paraphrases, %d near-misses, %d unrelated). Run time %s.\n\n",
		ro.Embedder, ro.Store, len(o.Set.Groups), tuneG, tuneP, tuneN, tuneU, repG, repP, repN, repU,
		ro.Elapsed.Round(time.Second))

	chosen, found := o.Choose(ro.Thresholds, TuningTargets)
	fmt.Fprintf(w, "### Tuning set\n\n")
	o.WriteThresholdTable(w, ro.Thresholds, o.Half("tune"), chosen)
	if found {
		fmt.Fprintf(w, "\nThreshold chosen on the tuning set (near-miss false hits ≤ %g%% on the whole set, "+
			"a margin under the published 5%% for prompts the checks were not built on, and ≤ 5%% on each of its %d parts; "+
			"no unrelated false hit, no wrong entry, no wrong answer for non-English prompts; the highest threshold "+
			"within 1 point of the best true-hit rate): **%.2f**. Configured default: %.2f.\n\n",
			100*TuningTargets.MaxNearMissFHR, len(Folds()), chosen, ro.Default)
	} else {
		fmt.Fprintf(w, "\nNo threshold meets the targets on the tuning set.\n\n")
	}
	if fb, ok := o.ChooseFallback(ro.Thresholds); ok && !found {
		m := o.Score(Policy{Threshold: fb}, o.Half("tune"))
		fmt.Fprintf(w, "Fallback rule (safety first, for when the targets are met only where the semantic tier "+
			"serves almost nothing): the lowest "+
			"threshold with near-miss false hits ≤ 5%%, no wrong entry and no wrong answer for non-English prompts, "+
			"giving up the unrelated-prompt target: **%.2f** (true hits %s, near-miss false hits %s, unrelated "+
			"false hits %s). Configured default: %.2f.\n\n", fb, pct(m.TrueHitRate()), pct(m.NearMissFHR()),
			pct(m.UnrelatedFHR()), ro.Default)
	}

	rep := o.Half("report")
	fmt.Fprintf(w, "### Held-out set\n\n")
	o.WriteThresholdTable(w, ro.Thresholds, rep, ro.Default)
	fmt.Fprintf(w, "\n### Held-out set at the default threshold %.2f\n\n", ro.Default)
	o.WriteBreakdown(w, ro.Default, rep)
	fmt.Fprintf(w, "\n### What each near-miss check contributes (held-out set, threshold %.2f)\n\n", ro.Default)
	o.WriteAblation(w, ro.Default, rep)
	if ablated != nil {
		fmt.Fprintf(w, "\n### Coverage guards (held-out set, threshold %.2f)\n\n", ro.Default)
		fmt.Fprintln(w, "| coverage guards | slice | true hits | wrong answers served | guarded |")
		fmt.Fprintln(w, "|---|---|---:|---:|---:|")
		for _, run := range []struct {
			name string
			o    *Outcome
		}{{"on (default)", o}, {"off", ablated}} {
			for _, l := range []string{"en", "ko"} {
				m := run.o.Score(Policy{Threshold: ro.Default}, and(run.o.Half("report"), lang(l)))
				fmt.Fprintf(w, "| %s | %s | %s | %d | %d |\n", run.name, l, pct(m.TrueHitRate()), m.WrongServed(), m.Guarded)
			}
		}
	}
	m := o.Score(Policy{Threshold: ro.Default}, rep)
	nonEn := o.Score(Policy{Threshold: ro.Default}, and(rep, func(q *Query) bool { return q.Lang != "en" }))
	ok := DefaultTargets.Meets(m, nonEn)
	fmt.Fprintf(w, "\nAt %.2f on the held-out set: true hits %s, wrong entry %s, near-miss false hits %s, "+
		"unrelated false hits %s, wrong answers to non-English prompts %d — targets %s.\n",
		ro.Default, pct(m.TrueHitRate()), pct(m.WrongEntryRate()), pct(m.NearMissFHR()),
		pct(m.UnrelatedFHR()), nonEn.WrongServed(), map[bool]string{true: "met", false: "NOT met"}[ok])
	return ok
}

func countHalf(o *Outcome, h string) (groups, paraphrases, nearMisses, unrelated int) {
	keep := o.Half(h)
	seen := map[int]bool{}
	for i := range o.Queries {
		q := &o.Queries[i]
		if !keep(q) {
			continue
		}
		switch q.Kind {
		case KindParaphrase:
			paraphrases++
			seen[q.Group] = true
		case KindUnrelated:
			unrelated++
		default:
			nearMisses++
		}
	}
	return len(seen), paraphrases, nearMisses, unrelated
}
