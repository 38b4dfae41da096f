package main

// Provider types register themselves by name (provider.Register) when imported.
import (
	_ "github.com/muninn-gw/muninn/gateway/provider/anthropic"
	_ "github.com/muninn-gw/muninn/gateway/provider/openai"
)
