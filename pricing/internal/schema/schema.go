package schema

// Format is the current format number; readers refuse other values.
const Format = 1

// File is the whole catalog.
type File struct {
	Format    int        `json:"format"`
	Source    Source     `json:"source"`
	Providers []Provider `json:"providers"`
}

// Source says where the data came from, for attribution and reproducibility.
type Source struct {
	Package   string `json:"package"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
	License   string `json:"license"`
	Homepage  string `json:"homepage"`
}

// Provider is one upstream and the models it prices.
type Provider struct {
	ID            string   `json:"id"`
	Name          string   `json:"name,omitempty"`
	PricingURLs   []string `json:"pricing_urls,omitempty"`
	ProviderMatch *Match   `json:"provider_match,omitempty"`
	ModelMatch    *Match   `json:"model_match,omitempty"`
	// Fallback lists providers whose models this one also serves at the same price
	// (Azure serves OpenAI's models, for example).
	Fallback []string `json:"fallback,omitempty"`
	Models   []Model  `json:"models"`
}

// Model is one priced model and the names that select it.
type Model struct {
	ID         string `json:"id"`
	Match      Match  `json:"match"`
	Context    int64  `json:"context,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
	// Prices are in force under conditions; the last whose condition holds wins, and the
	// first (which has none) is the default.
	Prices []Conditional `json:"prices"`
}

// Conditional is a price with an optional validity condition.
type Conditional struct {
	// StartDate (YYYY-MM-DD, UTC midnight): in force from then on.
	StartDate string `json:"start_date,omitempty"`
	// DailyFrom/DailyUntil are seconds after UTC midnight of a daily window; in force
	// when HasDaily is set and the time of day is in [DailyFrom, DailyUntil) (wrapping
	// past midnight when DailyUntil < DailyFrom).
	HasDaily   bool   `json:"daily,omitempty"`
	DailyFrom  int    `json:"daily_from,omitempty"`
	DailyUntil int    `json:"daily_until,omitempty"`
	Rates      Rates  `json:"rates"`
	Tiers      []Tier `json:"tiers,omitempty"`
}

// Tier replaces the rates of the whole request when its input tokens exceed Above.
type Tier struct {
	Above int64 `json:"above"`
	Rates Rates `json:"rates"`
}

// Rates are nano-USD per million tokens; nil when not priced separately.
type Rates struct {
	Input        *int64 `json:"in,omitempty"`
	Output       *int64 `json:"out,omitempty"`
	CacheRead    *int64 `json:"cache_read,omitempty"`
	CacheWrite   *int64 `json:"cache_write,omitempty"`
	CacheWrite1h *int64 `json:"cache_write_1h,omitempty"`
	Reasoning    *int64 `json:"reasoning,omitempty"`
}

// Match selects model (or provider) names. Exactly one field is set. Equals, StartsWith,
// EndsWith and Contains compare case-insensitively; Regex is an RE2 expression matched
// against the name as given.
type Match struct {
	Equals     string  `json:"equals,omitempty"`
	StartsWith string  `json:"starts_with,omitempty"`
	EndsWith   string  `json:"ends_with,omitempty"`
	Contains   string  `json:"contains,omitempty"`
	Regex      string  `json:"regex,omitempty"`
	Or         []Match `json:"or,omitempty"`
	And        []Match `json:"and,omitempty"`
	Not        *Match  `json:"not,omitempty"`
}
