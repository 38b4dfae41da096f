package cache

import "testing"

func TestMismatch(t *testing.T) {
	tests := []struct {
		a, b string
		want string // "" = compatible (paraphrase)
	}{
		// Paraphrases must stay compatible.
		{"What is the capital of France?", "Tell me France's capital city.", ""},
		{"How do I reverse a list in Python?", "python: reverse a list, how?", ""},
		{"Convert 5 miles to kilometers", "How many km is 5 mi?", ""},
		{"Why doesn't my code compile?", "Why won't my code compile?", ""},
		{"what is 2 + 2", "What's 2+2?", ""},
		{"How do I reset my iPhone password?", "Steps to reset the password on an iPhone", ""},
		{"Give me a recipe for pancakes", "How do I make pancakes? Recipe please", ""},
		{"What's the population of Tokyo?", "How many people live in Tokyo?", ""},
		{"Write a haiku about the sea", "Compose a haiku about the ocean", ""},
		{"Is 1,000 bigger than 999?", "Is 1000 larger than 999?", ""},

		// Near-misses must be caught, each by its kind.
		{"What is 2+2?", "What is 2+3?", KindNumber},
		{"What is 2+2?", "What is 2*2?", KindNumber},
		{"Give me five tips for sleeping better", "Give me ten tips for sleeping better", KindNumber},
		{`What does "idempotent" mean?`, `What does "immutable" mean?`, KindQuoted},
		{"Is coffee good for you?", "Is coffee not good for you?", KindNegation},
		{"Why does my build fail?", "Why doesn't my build fail?", KindNegation},
		{"What is the capital of France?", "What is the capital of Germany?", KindEntity},
		{"How do I install Docker on Ubuntu?", "How do I install Docker on Fedora?", KindEntity},
		{"Convert 5 miles to kilometers", "Convert 5 miles to meters", KindUnit},
		{"Convert miles to km", "Convert km to miles", KindDirection},
		{"Flights from Seoul to Tokyo", "Flights from Tokyo to Seoul", KindDirection},
		{"How do I increase the heap size in Java?", "How do I decrease the heap size in Java?", KindDirection},
		{"How to encrypt a file with openssl", "How to decrypt a file with openssl", KindDirection},
		{"What's the weather tomorrow in Paris?", "What's the weather today in Paris?", KindTime},
		{"What happened last week in tech?", "What happened this week in tech?", KindTime},
		{"List the planets as JSON", "List the planets as YAML", KindFormat},
		{"Write a function to parse dates in Python", "Write a function to parse dates in Rust", KindFormat},
		{"Write a function to parse dates in Python", "Write a function to parse dates in Go", KindFormat},
	}
	for _, tt := range tests {
		fa, fb := ExtractFeatures(tt.a), ExtractFeatures(tt.b)
		if got := Mismatch(fa, fb, nil); got != tt.want {
			t.Errorf("Mismatch(%q, %q) = %q, want %q\n a=%+v\n b=%+v", tt.a, tt.b, got, tt.want, fa, fb)
		}
		if got := Mismatch(fb, fa, nil); got != tt.want {
			t.Errorf("Mismatch is not symmetric for %q / %q: %q", tt.a, tt.b, got)
		}
	}
}

func TestMismatchKindsCanBeDisabled(t *testing.T) {
	a, b := ExtractFeatures("What is 2+2?"), ExtractFeatures("What is 2+3?")
	if got := Mismatch(a, b, map[string]bool{KindNumber: false, KindEntity: true}); got != "" {
		t.Fatalf("number check disabled: got %q", got)
	}
}

func TestExtractFeaturesOddInput(t *testing.T) {
	for _, s := range []string{"", " ", "\"", "'", "``", "->", "2+", "+2", "ÿ\xff\xfe", "한국어 질문 3개", "'a", "x's"} {
		ExtractFeatures(s) // must not panic
	}
}

func BenchmarkExtractFeatures(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ExtractFeatures("How do I convert 5 miles to kilometers in Python without using a library?")
	}
}
