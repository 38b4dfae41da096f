package qdranttest

import (
	"strings"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// lookup returns the values at a payload path ("a", "a.b", "a[].b"). Arrays are
// flattened, as Qdrant does: a condition on an array field holds when it holds for any
// element. A missing path yields nil.
func lookup(payload map[string]*qdrant.Value, path string) []*qdrant.Value {
	return lookupInto(nil, payload, path)
}

// lookupInto is lookup appending to dst, without allocating for a plain scalar key.
func lookupInto(dst []*qdrant.Value, payload map[string]*qdrant.Value, path string) []*qdrant.Value {
	if !strings.ContainsAny(path, ".[") { // plain top-level key: the common case
		v, ok := payload[path]
		if !ok {
			return dst
		}
		if _, list := v.GetKind().(*qdrant.Value_ListValue); !list {
			return append(dst, v)
		}
		return append(dst, flatten([]*qdrant.Value{v})...)
	}
	segs := strings.Split(path, ".")
	first := strings.TrimSuffix(segs[0], "[]")
	v, ok := payload[first]
	if !ok {
		return nil
	}
	cur := flatten([]*qdrant.Value{v})
	for _, seg := range segs[1:] {
		seg = strings.TrimSuffix(seg, "[]")
		var next []*qdrant.Value
		for _, c := range cur {
			if st := c.GetStructValue(); st != nil {
				if nv, ok := st.GetFields()[seg]; ok {
					next = append(next, nv)
				}
			}
		}
		cur = flatten(next)
	}
	return cur
}

func flatten(vs []*qdrant.Value) []*qdrant.Value {
	var out []*qdrant.Value
	for _, v := range vs {
		if l, ok := v.GetKind().(*qdrant.Value_ListValue); ok {
			out = append(out, flatten(l.ListValue.GetValues())...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// filterKeys returns every payload key a filter reads, for strict mode's index check.
func filterKeys(f *qdrant.Filter, keys map[string]bool) {
	if f == nil {
		return
	}
	groups := [][]*qdrant.Condition{f.GetMust(), f.GetShould(), f.GetMustNot(), f.GetMinShould().GetConditions()}
	for _, g := range groups {
		for _, c := range g {
			switch k := c.GetConditionOneOf().(type) {
			case *qdrant.Condition_Field:
				keys[k.Field.GetKey()] = true
			case *qdrant.Condition_IsEmpty:
				keys[k.IsEmpty.GetKey()] = true
			case *qdrant.Condition_IsNull:
				keys[k.IsNull.GetKey()] = true
			case *qdrant.Condition_Filter:
				filterKeys(k.Filter, keys)
			}
		}
	}
}

// checkIndexed applies strict mode: every filtered key needs a payload index.
func (c *collection) checkIndexed(f *qdrant.Filter, serverWide bool) error {
	if f == nil || (!c.strict && !serverWide) {
		return nil
	}
	keys := map[string]bool{}
	filterKeys(f, keys)
	for k := range keys {
		if _, ok := c.indexes[k]; !ok {
			return status.Errorf(codes.InvalidArgument,
				"Bad request: Index required but not found for \"%s\" of one of the following types: [keyword, integer]. Help: Create an index for this key or use a different filter.", k)
		}
	}
	return nil
}

// matches evaluates a filter against a point.
func matches(p *point, f *qdrant.Filter) (bool, error) {
	if f == nil {
		return true, nil
	}
	for _, c := range f.GetMust() {
		ok, err := cond(p, c)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, c := range f.GetMustNot() {
		ok, err := cond(p, c)
		if err != nil || ok {
			return false, err
		}
	}
	if should := f.GetShould(); len(should) > 0 {
		any := false
		for _, c := range should {
			ok, err := cond(p, c)
			if err != nil {
				return false, err
			}
			if ok {
				any = true
				break
			}
		}
		if !any {
			return false, nil
		}
	}
	if ms := f.GetMinShould(); ms != nil {
		n := uint64(0)
		for _, c := range ms.GetConditions() {
			ok, err := cond(p, c)
			if err != nil {
				return false, err
			}
			if ok {
				n++
			}
		}
		if n < ms.GetMinCount() {
			return false, nil
		}
	}
	return true, nil
}

func cond(p *point, c *qdrant.Condition) (bool, error) {
	switch k := c.GetConditionOneOf().(type) {
	case *qdrant.Condition_Field:
		return field(p, k.Field)
	case *qdrant.Condition_Filter:
		return matches(p, k.Filter)
	case *qdrant.Condition_HasId:
		for _, id := range k.HasId.GetHasId() {
			key, err := idKey(id)
			if err != nil {
				return false, err
			}
			if key == p.key {
				return true, nil
			}
		}
		return false, nil
	case *qdrant.Condition_IsEmpty:
		return isEmpty(lookup(p.payload, k.IsEmpty.GetKey())), nil
	case *qdrant.Condition_IsNull:
		return isNull(p.payload, k.IsNull.GetKey()), nil
	default:
		return false, status.Errorf(codes.Unimplemented, "fake qdrant: condition %T is not supported", k)
	}
}

func isEmpty(vs []*qdrant.Value) bool {
	for _, v := range vs {
		if _, null := v.GetKind().(*qdrant.Value_NullValue); !null {
			return false
		}
	}
	return true
}

func isNull(payload map[string]*qdrant.Value, key string) bool {
	vs := lookup(payload, key)
	if len(vs) != 1 {
		return false
	}
	_, null := vs[0].GetKind().(*qdrant.Value_NullValue)
	return null
}

func field(p *point, fc *qdrant.FieldCondition) (bool, error) {
	var buf [4]*qdrant.Value
	vs := lookupInto(buf[:0], p.payload, fc.GetKey())
	switch {
	case fc.GetMatch() != nil:
		return match(vs, fc.GetMatch())
	case fc.GetRange() != nil:
		r := fc.GetRange()
		for _, v := range vs {
			x, ok := number(v)
			if !ok {
				continue
			}
			if (r.Lt == nil || x < r.GetLt()) && (r.Lte == nil || x <= r.GetLte()) &&
				(r.Gt == nil || x > r.GetGt()) && (r.Gte == nil || x >= r.GetGte()) {
				return true, nil
			}
		}
		return false, nil
	case fc.IsEmpty != nil:
		return isEmpty(vs) == fc.GetIsEmpty(), nil
	case fc.IsNull != nil:
		return isNull(p.payload, fc.GetKey()) == fc.GetIsNull(), nil
	default:
		return false, status.Errorf(codes.Unimplemented, "fake qdrant: field condition on %q is not supported", fc.GetKey())
	}
}

func number(v *qdrant.Value) (float64, bool) {
	switch k := v.GetKind().(type) {
	case *qdrant.Value_IntegerValue:
		return float64(k.IntegerValue), true
	case *qdrant.Value_DoubleValue:
		return k.DoubleValue, true
	}
	return 0, false
}

func match(vs []*qdrant.Value, m *qdrant.Match) (bool, error) {
	anyOf := func(pred func(*qdrant.Value) bool) bool {
		for _, v := range vs {
			if pred(v) {
				return true
			}
		}
		return false
	}
	isStr := func(v *qdrant.Value) (string, bool) {
		s, ok := v.GetKind().(*qdrant.Value_StringValue)
		if !ok {
			return "", false
		}
		return s.StringValue, true
	}
	isInt := func(v *qdrant.Value) (int64, bool) {
		i, ok := v.GetKind().(*qdrant.Value_IntegerValue)
		if !ok {
			return 0, false
		}
		return i.IntegerValue, true
	}
	switch mv := m.GetMatchValue().(type) {
	case *qdrant.Match_Keyword:
		return anyOf(func(v *qdrant.Value) bool { s, ok := isStr(v); return ok && s == mv.Keyword }), nil
	case *qdrant.Match_Integer:
		return anyOf(func(v *qdrant.Value) bool { i, ok := isInt(v); return ok && i == mv.Integer }), nil
	case *qdrant.Match_Boolean:
		return anyOf(func(v *qdrant.Value) bool {
			b, ok := v.GetKind().(*qdrant.Value_BoolValue)
			return ok && b.BoolValue == mv.Boolean
		}), nil
	case *qdrant.Match_Keywords:
		set := mv.Keywords.GetStrings()
		return anyOf(func(v *qdrant.Value) bool { s, ok := isStr(v); return ok && contains(set, s) }), nil
	case *qdrant.Match_Integers:
		set := mv.Integers.GetIntegers()
		return anyOf(func(v *qdrant.Value) bool { i, ok := isInt(v); return ok && contains(set, i) }), nil
	case *qdrant.Match_ExceptKeywords:
		set := mv.ExceptKeywords.GetStrings()
		return !anyOf(func(v *qdrant.Value) bool { s, ok := isStr(v); return ok && contains(set, s) }), nil
	case *qdrant.Match_ExceptIntegers:
		set := mv.ExceptIntegers.GetIntegers()
		return !anyOf(func(v *qdrant.Value) bool { i, ok := isInt(v); return ok && contains(set, i) }), nil
	default:
		return false, status.Errorf(codes.Unimplemented, "fake qdrant: match %T is not supported", mv)
	}
}

func contains[T comparable](set []T, x T) bool {
	for _, s := range set {
		if s == x {
			return true
		}
	}
	return false
}
