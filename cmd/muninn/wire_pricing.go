package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/muninn-gw/muninn/gateway"
	"github.com/muninn-gw/muninn/gateway/plugins/costing"
	"github.com/muninn-gw/muninn/pricing"
	"github.com/muninn-gw/muninn/telemetry"
)

func init() { wire(40, "costing", wireCosting) }

// pricingLive is the catalog in force, for reloadPricing.
var pricingLive *pricing.Live

// wireCosting builds the price catalog from the config's pricing section, adds the
// costing plugin and lets the router resolve bare model names through the catalog.
func wireCosting(w *wiring) error {
	cat, err := buildPricing(w.Config)
	if err != nil {
		return err
	}
	live := pricing.NewLive(cat)
	pricingLive = live
	w.AddPlugin(40, costing.New(live))
	if err := metricsRegistry.RegisterFuncs(telemetry.Gauge{
		Name: "muninn_price_unknown_lookups_total", Counter: true,
		Help:  "Price lookups for models the catalog and overrides do not know (their cost is reported as unknown).",
		Value: func() float64 { return float64(live.Unknown()) },
	}); err != nil {
		return err
	}
	if w.catalog == nil {
		w.SetCatalog(costing.ModelCatalog(live))
	}
	pkg, version, _ := cat.SourceInfo()
	w.Note(fmt.Sprintf("pricing: offline catalog from %s %s", pkg, version))
	return nil
}

// reloadPricing rebuilds the catalog from a reloaded config and swaps it in; on error
// the running prices are kept. serve.go's reload calls it after the gateway accepted the
// new config.
func reloadPricing(cfg *gateway.Config) error {
	if pricingLive == nil {
		return nil
	}
	cat, err := buildPricing(cfg)
	if err != nil {
		return fmt.Errorf("pricing: %w", err)
	}
	pricingLive.Swap(cat)
	return nil
}

// buildPricing decodes the pricing section (strictly, over pricing's defaults) and
// teaches the catalog the configured provider names: a provider "my-vllm" of preset
// "vllm" is priced as vllm unless the section says otherwise.
func buildPricing(cfg *gateway.Config) (*pricing.Catalog, error) {
	pc := pricing.DefaultConfig()
	if raw := bytes.TrimSpace(cfg.Pricing); len(raw) > 0 && string(raw) != "null" {
		var err error
		if pc, err = pricing.DecodeConfig(bytes.NewReader(raw)); err != nil {
			return nil, err
		}
	}
	if pc.ProviderAliases == nil {
		pc.ProviderAliases = map[string]string{}
	}
	for name, p := range cfg.Providers {
		if p == nil {
			continue
		}
		// A provider of type "openai" without a preset takes its preset from its own
		// name ("groq"), so only an explicit preset or another type is an alias; other
		// names are matched by the catalog's own rules ("openai-eu" is openai).
		target := p.Preset
		if target == "" && !strings.EqualFold(p.Type, "openai") {
			target = p.Type
		}
		if target == "" || strings.EqualFold(target, name) {
			continue
		}
		if _, set := pc.ProviderAliases[name]; !set {
			pc.ProviderAliases[name] = target
		}
	}
	return pricing.New(pc)
}
