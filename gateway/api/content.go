package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// Content is a message's content: absent/null, a plain string, or an array of parts.
type Content struct {
	// Text is the content when it was sent as a plain string.
	Text string
	// Parts is the content when it was sent as an array of parts.
	Parts []ContentPart
	// IsParts records which form was sent, so it is written back the same way.
	IsParts bool
	// Null records an explicit or implied null (assistant messages with only tool calls).
	Null bool
}

// TextContent returns a plain-string Content.
func TextContent(s string) Content { return Content{Text: s} }

// String returns the text of the content: the string itself, or the text parts joined
// by a newline. Non-text parts (images, audio, files) contribute nothing.
func (c Content) String() string {
	if !c.IsParts {
		return c.Text
	}
	var b strings.Builder
	for i, p := range c.Parts {
		if p.Type != "text" && p.Type != "input_text" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// HasNonText reports whether any part is not text (an image, audio, a file, ...).
func (c Content) HasNonText() bool {
	for _, p := range c.Parts {
		if p.Type != "text" && p.Type != "input_text" {
			return true
		}
	}
	return false
}

// IsEmpty reports whether the content carries nothing.
func (c Content) IsEmpty() bool {
	if c.IsParts {
		return len(c.Parts) == 0
	}
	return c.Text == ""
}

func (c Content) MarshalJSON() ([]byte, error) {
	switch {
	case c.IsParts:
		if c.Parts == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(c.Parts)
	case c.Null && c.Text == "":
		return []byte("null"), nil
	default:
		return json.Marshal(c.Text)
	}
}

var errContentType = errors.New("content must be a string, an array of content parts, or null")

func (c *Content) UnmarshalJSON(data []byte) error {
	*c = Content{}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return errContentType
	}
	switch data[0] {
	case 'n':
		if string(data) != "null" {
			return errContentType
		}
		c.Null = true
		return nil
	case '"':
		return json.Unmarshal(data, &c.Text)
	case '[':
		c.IsParts = true
		return json.Unmarshal(data, &c.Parts)
	default:
		return errContentType
	}
}

// ContentPart is one element of an array content: text, image_url, input_audio, file, ...
type ContentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
	// Extra keeps the members of part types this package does not model (input_audio,
	// file, cache_control, ...).
	Extra Extra `json:"-"`
}

// ImageURL is the image of an image_url part: an https URL or a data: URL.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

var contentPartKeys = keySet("type", "text", "image_url")

type contentPartAlias ContentPart

func (p ContentPart) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(contentPartAlias(p))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, p.Extra)
}

func (p *ContentPart) UnmarshalJSON(data []byte) error {
	var a contentPartAlias
	if err := json.Unmarshal(data, &a); err != nil {
		return err
	}
	extra, err := splitExtra(data, contentPartKeys)
	if err != nil {
		return err
	}
	a.Extra = extra
	*p = ContentPart(a)
	return nil
}
