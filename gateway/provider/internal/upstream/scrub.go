package upstream

import (
	"strings"
)

const redacted = "[redacted]"

// credential prefixes of the common providers; a word starting with one is redacted.
var credPrefixes = []string{"sk-", "sk_", "gsk_", "xai-", "pplx-", "AIza", "fw_", "nvapi-", "csk-", "key-", "sess-"}

// maxMessage bounds an upstream message copied into an error.
const maxMessage = 1024

// Scrub returns msg with every secret value, every "Bearer <token>" and every word that
// looks like a credential replaced by [redacted], trimmed to a bounded length.
func Scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, s, redacted)
			// Providers often echo a masked key ("sk-abc***xyz"): the ends are enough to
			// identify it, so redact the key's prefix too.
			if len(s) >= 12 {
				msg = strings.ReplaceAll(msg, s[:8], redacted)
			}
		}
	}
	if len(msg) > maxMessage*4 {
		msg = msg[:maxMessage*4]
	}
	var b strings.Builder
	b.Grow(len(msg))
	redactNext := false
	i := 0
	for i < len(msg) {
		// Copy separators.
		j := i
		for j < len(msg) && !isWordByte(msg[j]) {
			j++
		}
		b.WriteString(msg[i:j])
		if j == len(msg) {
			break
		}
		k := j
		for k < len(msg) && isWordByte(msg[k]) {
			k++
		}
		w := msg[j:k]
		switch {
		case redactNext:
			b.WriteString(redacted)
			redactNext = false
		case strings.EqualFold(w, "bearer") || strings.EqualFold(w, "basic"):
			b.WriteString(w)
			redactNext = true
		case looksSecret(w):
			b.WriteString(redacted)
		default:
			b.WriteString(w)
		}
		i = k
	}
	out := b.String()
	if len(out) > maxMessage {
		out = out[:maxMessage] + "..."
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '-' || c == '_' || c == '*' || c == '.' || c == '/' || c == '+' || c == '=' ||
		('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// looksSecret reports whether w is shaped like an API key or token.
func looksSecret(w string) bool {
	for _, p := range credPrefixes {
		if strings.HasPrefix(w, p) && len(w) > len(p)+3 {
			return true
		}
	}
	if len(w) < 32 || strings.ContainsAny(w, "/.") {
		return false
	}
	var lower, upper, digit bool
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		}
	}
	return digit && (lower || upper)
}
