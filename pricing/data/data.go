package data

import _ "embed"

//go:generate go run ../internal/gen -out catalog.json -license-out LICENSE.genai-prices

// Catalog is the generated catalog.json.
//
//go:embed catalog.json
var Catalog []byte
