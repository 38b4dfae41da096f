package pricing

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/muninn-gw/muninn/pricing/data"
	"github.com/muninn-gw/muninn/pricing/internal/schema"
)

// loadEmbedded parses the generated catalog.
func loadEmbedded(c *Catalog) error {
	var f schema.File
	if err := json.Unmarshal(data.Catalog, &f); err != nil {
		return fmt.Errorf("embedded price catalog: %w", err)
	}
	if f.Format != schema.Format {
		return fmt.Errorf("embedded price catalog: format %d, want %d", f.Format, schema.Format)
	}
	c.source = f.Source
	for i := range f.Providers {
		sp := &f.Providers[i]
		p := &provider{id: sp.ID, name: sp.Name}
		if sp.ProviderMatch != nil {
			m, err := compileMatch(sp.ProviderMatch)
			if err != nil {
				return fmt.Errorf("embedded price catalog: provider %s: %w", sp.ID, err)
			}
			p.providerMatch = &m
		}
		if sp.ModelMatch != nil {
			m, err := compileMatch(sp.ModelMatch)
			if err != nil {
				return fmt.Errorf("embedded price catalog: provider %s: %w", sp.ID, err)
			}
			p.modelMatch = &m
		}
		for j := range sp.Models {
			sm := &sp.Models[j]
			m, err := embeddedModel(sp.ID, sm)
			if err != nil {
				return fmt.Errorf("embedded price catalog: model %s/%s: %w", sp.ID, sm.ID, err)
			}
			p.models = append(p.models, m)
		}
		c.providers = append(c.providers, p)
		c.byID[p.id] = p
	}
	for host, id := range passThrough {
		if p := c.byID[id]; p != nil {
			indexBySegment(p, &f.Providers[slices.IndexFunc(f.Providers, func(sp schema.Provider) bool { return sp.ID == id })])
		} else {
			return fmt.Errorf("embedded price catalog: no %s list for %s", id, host)
		}
	}
	for i := range f.Providers {
		for _, fb := range f.Providers[i].Fallback {
			if q := c.byID[fb]; q != nil {
				c.providers[i].fallback = append(c.providers[i].fallback, q)
			}
		}
	}
	return nil
}

func embeddedModel(providerID string, sm *schema.Model) (*model, error) {
	mt, err := compileMatch(&sm.Match)
	if err != nil {
		return nil, err
	}
	m := &model{id: sm.ID, provider: providerID, source: SourceEmbedded, match: mt, context: sm.Context}
	for k := range sm.Prices {
		sc := &sm.Prices[k]
		cd := conditional{daily: sc.HasDaily, from: sc.DailyFrom, till: sc.DailyUntil}
		if sc.StartDate != "" {
			if cd.start, err = time.Parse(time.DateOnly, sc.StartDate); err != nil {
				return nil, fmt.Errorf("start date: %w", err)
			}
		}
		cd.price.Rates = fillRates(&sc.Rates)
		for _, t := range sc.Tiers {
			cd.price.Tiers = append(cd.price.Tiers, Tier{Above: t.Above, Rates: fillRates(&t.Rates)})
		}
		m.prices = append(m.prices, cd)
	}
	if len(m.prices) == 0 {
		return nil, fmt.Errorf("no prices")
	}
	return m, nil
}

// fillRates resolves absent components from their parents, as the source prices them.
func fillRates(r *schema.Rates) Rates {
	get := func(p *int64, parent NanoUSD) NanoUSD {
		if p == nil {
			return parent
		}
		return NanoUSD(*p)
	}
	var out Rates
	out.Input = get(r.Input, 0)
	out.Output = get(r.Output, 0)
	out.CacheRead = get(r.CacheRead, out.Input)
	out.CacheWrite = get(r.CacheWrite, out.Input)
	out.CacheWrite1h = get(r.CacheWrite1h, out.CacheWrite)
	out.Reasoning = get(r.Reasoning, out.Output)
	return out
}
