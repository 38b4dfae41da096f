package uselite

import (
	"context"
	"strings"
	"testing"

	"github.com/muninn-gw/muninn/cache/embed"
)

func TestCoverage(t *testing.T) {
	e := testEmbedder(t)
	long := strings.Repeat("the cache answers paraphrased prompts ", 40)
	tests := []struct {
		text      string
		supported bool
		reason    string
		truncated bool
	}{
		{"How do I reset my password?", true, "", false},
		{"What is 2+2?", true, "", false},
		{"Café, naïve, résumé, Zürich, São Paulo", true, "", false},
		{"Mixed English text with one word 한국어 inside it", true, "", false},
		{"", false, "empty text", false},
		{"   \t\n ", false, "empty text", false},
		{long, false, "truncated", true},
		{"비밀번호를 어떻게 재설정하나요?", false, "unknown script (Hangul)", false},
		{"日本語のテキストです。", false, "unknown script (Katakana)", false},
		{"中文句子测试", false, "unknown script (Han)", false},
		{"Привет, как дела?", false, "unknown script (Cyrillic)", false},
		{"مرحبا بالعالم", false, "unknown script (Arabic)", false},
		{"😀🎉👍", false, "unknown characters", false},
		{"ok 😀🎉👍❤️", false, "unknown characters", false},
	}
	for _, tc := range tests {
		c := e.Coverage(tc.text)
		if c.Supported != tc.supported || c.Reason != tc.reason || c.Truncated != tc.truncated {
			t.Errorf("Coverage(%.40q) = %+v, want supported=%v reason=%q truncated=%v",
				tc.text, c, tc.supported, tc.reason, tc.truncated)
		}
		if c.Tokens != len(e.Tokenize(tc.text)) {
			t.Errorf("Coverage(%.40q).Tokens = %d, tokenizer says %d", tc.text, c.Tokens, len(e.Tokenize(tc.text)))
		}
	}
	if c := e.Coverage("😀🎉👍"); c.UnknownRatio != 1 {
		t.Errorf("emoji UnknownRatio = %v, want 1", c.UnknownRatio)
	}
	if c := e.Coverage("How do I reset my password?"); c.UnknownRatio != 0 {
		t.Errorf("English UnknownRatio = %v, want 0", c.UnknownRatio)
	}
}

// pairs of (paraphrase a, paraphrase b, unrelated to both) per language.
var similarityPairs = map[string][][3]string{
	"English": {
		{"How do I reset my password?", "I forgot my password, how can I change it?", "What is the weather like in Paris today?"},
		{"Where is the nearest train station?", "How do I get to the closest railway station?", "I would like to order a large pizza."},
		{"The meeting has been moved to Friday.", "We rescheduled the meeting for Friday.", "My cat likes to sleep in the sun."},
		{"How much does shipping cost?", "What is the price of delivery?", "Who won the football match yesterday?"},
	},
	"Korean": {
		{"비밀번호를 어떻게 재설정하나요?", "비밀번호를 잊어버렸어요. 어떻게 바꾸나요?", "오늘 파리 날씨는 어때요?"},
		{"가장 가까운 기차역이 어디예요?", "제일 가까운 역에 어떻게 가나요?", "큰 피자 하나 주문하고 싶어요."},
		{"회의가 금요일로 옮겨졌습니다.", "회의 일정을 금요일로 변경했어요.", "제 고양이는 햇볕에서 자는 걸 좋아해요."},
		{"배송비는 얼마인가요?", "배달 가격이 어떻게 되나요?", "어제 축구 경기에서 누가 이겼어요?"},
	},
}

// TestParaphraseSeparation measures how well the model separates paraphrases from
// unrelated sentences, per language. In English the gap is wide; in Korean, which the
// vocabulary does not cover, it collapses, which is why Coverage refuses Hangul text.
func TestParaphraseSeparation(t *testing.T) {
	e := testEmbedder(t)
	gap := map[string]float64{}
	for lang, pairs := range similarityPairs {
		var para, unrel float64
		for _, p := range pairs {
			v, err := e.Embed(context.Background(), p[:])
			if err != nil {
				t.Fatal(err)
			}
			para += embed.Cosine(v[0], v[1])
			unrel += (embed.Cosine(v[0], v[2]) + embed.Cosine(v[1], v[2])) / 2
		}
		n := float64(len(pairs))
		gap[lang] = para/n - unrel/n
		t.Logf("%-8s paraphrase mean %.3f, unrelated mean %.3f, gap %.3f", lang, para/n, unrel/n, gap[lang])
	}
	if gap["English"] < 0.3 {
		t.Errorf("English gap %.3f: the model should separate paraphrases clearly", gap["English"])
	}
	if gap["Korean"] > gap["English"]/2 {
		t.Errorf("Korean gap %.3f is not much below English %.3f: revisit the coverage rule", gap["Korean"], gap["English"])
	}
	for _, p := range similarityPairs["Korean"] {
		for _, s := range p {
			if e.Coverage(s).Supported {
				t.Errorf("Coverage(%q) is supported; the model is blind to Hangul", s)
			}
		}
	}
}
