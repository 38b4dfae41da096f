package cache

// Word lists used by the near-miss check. Keys are lower-case.

var numberWords = map[string]string{
	"zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
	"thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
	"eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
	"fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
	"hundred": "100", "thousand": "1000", "million": "1e6", "billion": "1e9",
	"trillion": "1e12", "dozen": "12", "half": "0.5", "quarter": "0.25", "twice": "x2",
	"double": "x2", "triple": "x3", "single": "1",
	// ordinals read as their number, as "3rd" does: "the third law" / "the 3rd law"
	"second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7",
	"eighth": "8", "ninth": "9", "tenth": "10",
}

var negationWords = setOf("not", "no", "never", "none", "nobody", "nothing", "neither",
	"nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt",
	"werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "mustnt",
	"avoid", "except", "excluding", "nowhere")

var units = map[string]string{
	"km": "km", "kms": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
	"mi": "mi", "mile": "mi", "miles": "mi",
	"m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
	"cm": "cm", "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm",
	"mm": "mm", "millimeter": "mm", "millimeters": "mm", "millimetre": "mm", "millimetres": "mm",
	"inch": "in", "inches": "in", "ft": "ft", "foot": "ft", "feet": "ft",
	"yard": "yd", "yards": "yd", "yd": "yd",
	"kg": "kg", "kgs": "kg", "kilogram": "kg", "kilograms": "kg", "kilo": "kg", "kilos": "kg",
	"g": "g", "gram": "g", "grams": "g", "mg": "mg", "milligram": "mg", "milligrams": "mg",
	"lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "oz": "oz", "ounce": "oz", "ounces": "oz",
	"stone": "st", "ton": "t", "tons": "t", "tonne": "t", "tonnes": "t",
	"l": "l", "liter": "l", "liters": "l", "litre": "l", "litres": "l",
	"ml": "ml", "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml",
	"gallon": "gal", "gallons": "gal", "gal": "gal", "quart": "qt", "quarts": "qt",
	"pint": "pt", "pints": "pt", "cup": "cup", "cups": "cup",
	"tablespoon": "tbsp", "tablespoons": "tbsp", "tbsp": "tbsp",
	"teaspoon": "tsp", "teaspoons": "tsp", "tsp": "tsp",
	"celsius": "c", "centigrade": "c", "°c": "c", "fahrenheit": "f", "°f": "f", "kelvin": "k",
	"mph": "mi/h", "kph": "km/h", "kmh": "km/h", "km/h": "km/h", "mi/h": "mi/h", "m/s": "m/s", "knot": "kn", "knots": "kn",
	"ms": "ms", "millisecond": "ms", "milliseconds": "ms",
	"sec": "s", "secs": "s", "seconds": "s", "min": "min", "mins": "min", "minute": "min", "minutes": "min",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h", "days": "d", "weeks": "wk",
	"day": "d", "week": "wk", "month": "mo", "year": "yr",
	"months": "mo", "years": "yr",
	"b": "byte", "byte": "byte", "bytes": "byte", "bit": "bit", "bits": "bit",
	"kb": "kb", "kib": "kib", "mb": "mb", "mib": "mib", "gb": "gb", "gib": "gib", "tb": "tb", "tib": "tib",
	"kilobyte": "kb", "kilobytes": "kb", "megabyte": "mb", "megabytes": "mb", "gigabyte": "gb",
	"gigabytes": "gb", "terabyte": "tb", "terabytes": "tb",
	"usd": "usd", "dollar": "usd", "dollars": "usd", "$": "usd", "eur": "eur", "euro": "eur",
	"euros": "eur", "€": "eur", "gbp": "gbp", "£": "gbp", "sterling": "gbp", "jpy": "jpy", "yen": "jpy",
	"¥": "jpy", "krw": "krw", "won": "krw", "₩": "krw", "cad": "cad", "aud": "aud", "inr": "inr",
	"rupee": "inr", "rupees": "inr", "bitcoin": "btc", "btc": "btc",
	"percent": "%", "%": "%", "calorie": "kcal", "calories": "kcal", "kcal": "kcal",
	"joule": "j", "joules": "j", "watt": "w", "watts": "w", "kw": "kw", "kwh": "kwh",
	"volt": "v", "volts": "v", "amp": "a", "amps": "a", "acre": "acre", "acres": "acre",
	"hectare": "ha", "hectares": "ha", "sqft": "sqft", "psi": "psi", "bar": "bar",
	"radian": "rad", "radians": "rad",
	"hz": "hz", "mhz": "mhz", "ghz": "ghz", "dpi": "dpi", "px": "px", "pixels": "px",
	"pt": "pt", "em": "em", "rem": "rem",
}

var timeWords = setOf("today", "tomorrow", "yesterday", "tonight", "now", "currently",
	"weekend", "weekends", "weekday", "weekdays", "morning", "afternoon", "evening", "night",
	"noon", "midnight", "am", "pm", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday", "sunday", "january", "february", "march", "april", "june", "july", "august",
	"september", "october", "november", "december", "spring", "summer", "autumn", "fall",
	"winter", "daily", "weekly", "monthly", "yearly", "annually", "hourly", "ago",
	"christmas", "easter", "utc", "gmt", "pst", "est", "kst", "cet")

// timeModifiers combine with the following word ("next week", "last year").
var timeModifiers = setOf("next", "last", "this", "previous", "coming", "past")
var timeUnitsAfterModifier = setOf("week", "month", "year", "day", "quarter", "decade",
	"century", "weekend", "night", "morning", "summer", "winter", "spring", "season", "time")

var formatWords = map[string]string{
	"json": "json", "yaml": "yaml", "yml": "yaml", "xml": "xml", "csv": "csv", "tsv": "tsv",
	"toml": "toml", "markdown": "markdown", "md": "markdown", "html": "html", "latex": "latex",
	"table": "table", "tables": "table", "list": "list", "bullet": "list", "bullets": "list",
	"bulleted": "list", "numbered": "numbered", "paragraph": "paragraph", "paragraphs": "paragraph",
	"essay": "essay", "poem": "poem", "haiku": "haiku", "limerick": "limerick", "sonnet": "sonnet",
	"song": "song", "story": "story", "email": "email", "letter": "letter", "tweet": "tweet",
	"outline": "outline", "regex": "regex", "regexp": "regex", "sql": "sql", "diagram": "diagram",
	"python": "python", "py": "python", "javascript": "javascript", "js": "javascript",
	"typescript": "typescript", "ts": "typescript", "java": "java", "golang": "go",
	"rust": "rust", "c++": "cpp", "cpp": "cpp", "c#": "csharp", "csharp": "csharp",
	"ruby": "ruby", "php": "php", "swift": "swift", "kotlin": "kotlin", "scala": "scala",
	"haskell": "haskell", "bash": "bash", "shell": "bash", "zsh": "bash", "powershell": "powershell",
	"perl": "perl", "lua": "lua", "dart": "dart", "elixir": "elixir", "julia": "julia",
	"matlab": "matlab", "excel": "excel", "english": "english", "french": "french",
	"spanish": "spanish", "german": "german", "italian": "italian", "portuguese": "portuguese",
	"chinese": "chinese", "mandarin": "chinese", "japanese": "japanese", "korean": "korean",
	"russian": "russian", "arabic": "arabic", "hindi": "hindi", "dutch": "dutch",
	"swedish": "swedish", "turkish": "turkish", "vietnamese": "vietnamese", "polish": "polish",
	"short": "short", "brief": "short", "briefly": "short", "concise": "short",
	"detailed": "long", "lengthy": "long", "thorough": "long", "formally": "formal", "casually": "casual",
	"formal": "formal", "informal": "casual", "casual": "casual", "funny": "funny",
	"humorous": "funny", "serious": "serious", "beginner": "beginner", "beginners": "beginner",
	"expert": "expert", "experts": "expert", "kid": "kid", "kids": "kid", "child": "kid",
	"children": "kid", "eli5": "kid", "professional": "formal", "sarcastic": "sarcastic",
	"pdf": "pdf", "docx": "docx", "png": "png", "jpg": "jpg", "jpeg": "jpg", "svg": "svg",
	"slides": "slides", "spreadsheet": "spreadsheet", "recipe": "recipe", "checklist": "checklist",
}

// formatNeedsContext are format words that are ordinary words elsewhere; they count only
// after "in", "using", "with" or "to", or before "code", "program" or "function".
var formatNeedsContext = map[string]string{"go": "go", "c": "c", "r": "r"}

// poles are antonym pairs: a query and a candidate that take opposite sides of a pair
// ask different things ("increase" vs "decrease", "upload" vs "download").
var poles = buildPoles([][2][]string{
	{{"increase", "increasing", "raise", "grow", "up", "upscale"}, {"decrease", "decreasing", "reduce", "lower", "shrink", "down", "downscale"}},
	{{"enable", "enabling", "turn on", "activate"}, {"disable", "disabling", "turn off", "deactivate"}},
	{{"encrypt", "encryption", "encrypting"}, {"decrypt", "decryption", "decrypting"}},
	{{"compress", "compression", "zip"}, {"decompress", "decompression", "unzip", "extract"}},
	{{"encode", "encoding"}, {"decode", "decoding"}},
	{{"serialize", "serialise", "marshal"}, {"deserialize", "deserialise", "unmarshal", "parse"}},
	{{"upload", "uploading"}, {"download", "downloading"}},
	{{"import", "importing"}, {"export", "exporting"}},
	{{"ascending", "asc"}, {"descending", "desc", "reverse"}},
	{{"min", "minimum", "smallest", "lowest", "least", "fewest", "shortest", "cheapest", "oldest", "earliest"},
		{"max", "maximum", "largest", "biggest", "highest", "most", "longest", "priciest", "newest", "latest"}},
	{{"before", "earlier"}, {"after", "later"}},
	{{"add", "adding", "insert", "append", "create"}, {"remove", "removing", "delete", "deleting", "drop"}},
	{{"install", "installing"}, {"uninstall", "uninstalling"}},
	{{"start", "starting", "begin"}, {"stop", "stopping", "end"}},
	{{"open", "opening"}, {"close", "closing"}},
	{{"push", "pushing"}, {"pull", "pulling"}},
	{{"buy", "buying", "purchase"}, {"sell", "selling"}},
	{{"hot", "hotter", "warm", "warmer"}, {"cold", "colder", "cool", "cooler"}},
	{{"fast", "faster", "fastest", "quick", "quicker"}, {"slow", "slower", "slowest"}},
	{{"more", "better"}, {"less", "worse"}},
	{{"best"}, {"worst"}},
	{{"first"}, {"last"}},
	{{"above", "over"}, {"below", "under"}},
	{{"upper", "uppercase", "capitalize"}, {"lower", "lowercase"}},
	{{"left"}, {"right"}},
	{{"north", "northern"}, {"south", "southern"}},
	{{"east", "eastern"}, {"west", "western"}},
	{{"advantages", "pros", "benefits"}, {"disadvantages", "cons", "drawbacks", "downsides", "risks"}},
	{{"lock", "locking"}, {"unlock", "unlocking"}},
	{{"show", "unhide"}, {"hide"}},
	{{"send", "sending"}, {"receive", "receiving"}},
	{{"input"}, {"output"}},
	{{"deposit"}, {"withdraw", "withdrawal"}},
	{{"borrow", "borrowing"}, {"lend", "lending"}},
	{{"accept", "allow", "whitelist", "allowlist"}, {"reject", "deny", "block", "blacklist", "denylist"}},
	{{"merge", "join", "combine"}, {"split", "separate"}},
	{{"positive"}, {"negative"}},
	{{"odd"}, {"even"}},
	{{"true"}, {"false"}},
	{{"sunrise"}, {"sunset"}},
	{{"cheap", "cheaper"}, {"expensive", "pricier"}},
	{{"heavy", "heavier"}, {"light", "lighter"}},
	{{"inner"}, {"outer"}},
	{{"horizontal", "horizontally"}, {"vertical", "vertically"}},
	{{"mount"}, {"unmount"}},
	{{"subscribe"}, {"unsubscribe"}},
	{{"login", "log in", "sign in"}, {"logout", "log out", "sign out"}},
	{{"signup", "sign up", "register"}, {"unregister", "deregister"}},
	{{"win", "winning"}, {"lose", "losing"}},
	{{"male", "men", "man"}, {"female", "women", "woman"}},
	{{"inbound", "incoming"}, {"outbound", "outgoing"}},
})

type pole struct {
	pair int
	side int8
}

func buildPoles(pairs [][2][]string) map[string][]pole {
	m := map[string][]pole{}
	for i, p := range pairs {
		for side, words := range p {
			for _, w := range words {
				m[w] = append(m[w], pole{pair: i, side: int8(side)})
			}
		}
	}
	return m
}

// directionConnectors link a source to a target ("miles to km", "from Seoul to Tokyo").
var directionConnectors = setOf("to", "into", "->", "→", "than", "2")

// commonWords are words that carry no entity even when capitalised mid-sentence (titles,
// shouting, "I").
var commonWords = setOf("i", "im", "ive", "id", "ill", "a", "an", "the", "and", "or", "but",
	"please", "thanks", "thank", "hi", "hello", "hey", "ok", "okay", "yes", "no", "what",
	"how", "why", "when", "where", "who", "which", "can", "could", "would", "should", "is",
	"are", "do", "does", "tldr", "tl", "dr", "faq", "q", "a", "eli5", "asap", "fyi", "btw",
	"imo", "vs")

// stopWords are skipped when looking for the words around a direction connector.
var stopWords = setOf("a", "an", "the", "my", "your", "our", "their", "its", "this", "that",
	"some", "of", "from", "convert", "change", "translate", "go", "get", "move", "switch",
	"migrate", "how", "do", "i", "you", "we", "is", "are", "it", "in", "on", "for", "and",
	"or", "many", "much", "me", "please", "can", "could", "would", "back")

func setOf(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[w] = struct{}{}
	}
	return m
}

// timeCanon folds time words and their frequency forms to one word, so "compounded
// yearly" and "5% a year" agree while "monthly" does not.
var timeCanon = map[string]string{
	"yearly": "year", "annually": "year", "annual": "year", "years": "year", "year": "year",
	"monthly": "month", "months": "month", "month": "month",
	"weekly": "week", "weeks": "week", "week": "week",
	"daily": "day", "days": "day", "day": "day", "hourly": "hour", "hours": "hour", "hour": "hour",
	"tonight": "night", "nights": "night", "evenings": "evening", "mornings": "morning",
	"weekends": "weekend", "weekdays": "weekday",
}

// functionWords never carry the subject of a prompt: they are ignored by the entity and
// substitution checks even when capitalised.
var functionWords = setOf("a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "in",
	"on", "at", "to", "for", "from", "by", "with", "about", "as", "into", "than", "via", "per",
	"what", "whats", "how", "hows", "why", "when", "where", "who", "whos", "which", "whom",
	"is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done",
	"can", "could", "would", "should", "will", "shall", "may", "might", "must", "have", "has",
	"had", "i", "me", "my", "mine", "myself", "you", "your", "yours", "we", "us", "our", "it",
	"its", "they", "their", "them", "he", "she", "his", "her", "this", "that", "these",
	"those", "there", "here", "please", "thanks", "thank", "hi", "hey", "hello", "help",
	"need", "want", "like", "know", "let", "lets", "get", "got", "getting", "im", "ive", "id",
	"any", "some", "all", "every", "each", "much", "many", "very", "really", "just", "only",
	"also", "too", "still", "even", "ever", "again", "way", "ways", "best", "good", "easy",
	"easiest", "simple", "simplest", "simply", "right", "proper", "correct", "possible",
	"step", "steps", "tip", "tips", "process", "method", "thing", "things", "someone",
	"something", "anything", "example", "use", "using", "other", "same", "own", "sure",
	"etc", "vs", "versus", "ok", "okay", "yes", "tell", "give", "show", "explain", "find",
	"make", "go", "going", "idea", "ideas", "quick", "quickly", "actually", "exactly",
	"whats", "thats", "theres", "heres", "u", "ur", "pls", "plz", "q", "one", "ones", "such",
	"out", "up", "off", "over", "under", "again", "should", "able", "kind", "sort", "type",
	"kinds", "types", "exist", "there", "anyone", "somebody", "people", "person", "guide",
	"tutorial", "way", "work", "works", "working", "happen", "happens", "mean", "means",
	"called", "call", "say", "said", "long", "far", "old", "often", "usually", "typically",
	"normally", "generally", "currently", "fine", "well", "better", "great", "nice", "new",
	"take", "put", "keep", "try", "doing", "makes", "making", "convert", "calculate",
	"compute", "number", "between", "degree", "degrees", "copy", "difference", "equal",
	"equals", "total", "result", "answer", "question", "amount", "different", "differ",
	"differences")

// synonymGroups are words a paraphrase swaps freely; swapping one for another is not a
// near-miss.
var synonymGroups = [][]string{
	{"write", "compose", "draft", "create", "generate", "produce", "suggest", "provide", "craft", "prepare", "plan", "come"},
	{"describe", "define", "clarify", "summarize", "summarise", "summary", "recap", "sum", "overview"},
	{"big", "bigger", "biggest", "large", "larger", "largest", "greater", "greatest", "huge"},
	{"tall", "taller", "tallest", "high", "higher", "highest", "height"},
	{"fix", "repair", "resolve", "solve", "troubleshoot", "debug"},
	{"remove", "delete", "erase", "clear", "rid", "clean", "dedupe", "deduplicate"},
	{"change", "update", "modify", "edit", "switch", "alter", "rename"},
	{"check", "see", "view", "display", "look", "track", "status", "find"},
	{"fast", "speed", "quick", "rapid", "quickly", "velocity"},
	{"picture", "photo", "image", "pic", "photograph", "shot"},
	{"sea", "ocean"},
	{"export", "download", "backup", "dump"},
	{"wet", "water", "soaked", "drop", "dropped", "fell", "fall"},
	{"enable", "set", "setup", "activate", "turn", "switch"},
	{"undo", "revert", "rollback", "roll", "reset"},
	{"population", "live", "inhabitant", "resident", "populated"},
	{"mom", "mother", "mum"}, {"dad", "father"},
	{"boss", "manager", "supervisor"},
	{"car", "vehicle", "auto"},
	{"phone", "smartphone", "mobile", "cellphone"},
	{"sick", "ill", "unwell"},
	{"job", "position", "role", "post"},
	{"error", "issue", "problem", "bug", "trouble"},
	{"start", "begin", "beginning", "started", "kick"},
	{"cancel", "stop", "end", "terminate", "quit"},
	{"buy", "purchase", "order"},
	{"price", "cost", "pay", "charge", "fee"},
	{"app", "application"},
	{"kid", "child", "children", "kids"},
	{"sleep", "asleep"},
	{"translate", "say", "translation"},
	{"restart", "reboot", "relaunch"},
	{"author", "writer", "wrote"},
	{"painter", "artist", "painted"},
	{"invent", "inventor", "created", "creator"},
	{"country", "nation"},
	{"refund", "money", "back"},
	{"email", "mail", "e-mail"},
	{"shipping", "delivery", "ship", "deliver"},
	{"document", "doc", "file"},
	{"address", "location"},
	{"help", "support", "service", "assistance"},
	{"package", "parcel", "order"},
	{"unique", "duplicate", "duplicates", "distinct"},
	{"load", "read", "open", "parse"},
	{"reverse", "invert", "flip"},
	{"remedy", "remedies", "relieve", "cure", "treat", "rid"},
	{"save", "spend", "cut", "reduce"},
	{"advantage", "pro", "benefit", "good"},
	{"disadvantage", "con", "drawback", "downside", "bad"},
	{"number", "count", "amount", "many"},
	{"whole", "entire", "every", "all"},
	{"permanent", "permanently", "forever", "good"},
	{"apologize", "apologise", "sorry", "apology"},
	{"note", "message", "card", "wish"},
}

// synonyms maps a stemmed word to the ids of the groups it belongs to.
var synonyms = func() map[string][]int {
	m := map[string][]int{}
	for i, g := range synonymGroups {
		for _, w := range g {
			s := stem(w)
			m[s] = append(m[s], i)
		}
	}
	return m
}()

// aliases maps the common spellings of a few well-known names to one form, so a prompt
// naming "the United States" and one naming "the US" or "America" name the same thing.
// Only names with one referent belong here, never a name and a neighbour ("Java" and
// "JavaScript" stay apart), nor a spelling that is also a common word ("us", "go").
var aliases = func() map[string]string {
	groups := [][]string{
		{"usa", "u.s.", "u.s", "united states", "america", "american", "americans"}, // "US" reads as "usa"
		{"uk", "u.k.", "britain", "british", "united kingdom", "great britain"},
		{"earth", "world", "globe"},
		{"postgres", "postgresql", "psql"},
		{"mac", "macos", "macbook", "osx", "os x"},
		{"js", "javascript"},
		{"k8s", "kubernetes", "kubectl"},
		{"vs code", "vscode", "visual studio code"},
		{"insta", "instagram"},
		{"cv", "resume", "résumé"},
		{"nyc", "new york city"},
		{"eu", "european union"},
	}
	m := map[string]string{}
	for _, g := range groups {
		for _, w := range g {
			m[w] = "=" + g[0]
		}
	}
	return m
}()

// determiners hold a span in place as well as one another (sameContext).
var determiners = setOf("a", "an", "the", "my", "your", "our", "his", "her", "their", "its", "this", "that")

// framingWords ask for an answer without saying what about: adding one to a prompt does
// not narrow it ("How do I reset my password?" / "What are the steps to reset my
// password?").
var framingWords = setOf("way", "ways", "best", "right", "correct", "proper", "good",
	"steps", "step", "process", "method", "procedure", "shortcut", "command", "tips",
	"advice", "explain", "explained", "explanation", "define", "definition", "meaning",
	"mean", "means", "concept", "term", "help", "please", "write", "tell", "show", "give",
	"quick", "simple", "simply", "actually", "exactly", "usually", "typically", "rules",
	"guide", "instructions", "work", "works", "happen", "happens", "cause", "causes",
	"find", "out", "formula", "options", "option", "idea", "ideas")
