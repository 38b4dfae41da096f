package qdrant

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	qc "github.com/qdrant/go-client/qdrant"

	"github.com/muninn-gw/muninn/vectorstore"
)

// Payload fields Muninn writes on every point of a data collection. User payload lives
// under "p" (returned as given) and, for filtering, as keyword terms in "_f"; user keys
// therefore never collide with these, whatever their spelling.
const (
	fieldNS      = "_ns"  // namespace; keyword index with is_tenant
	fieldID      = "_id"  // the caller's point ID (Qdrant ids are UUIDs)
	fieldExpires = "_exp" // expiry, unix milliseconds; noExpiry when none; integer range index
	fieldTerms   = "_f"   // filter terms, one per payload field; keyword index
	fieldPayload = "p"    // the caller's payload, an object of strings

	// noExpiry is the expiry stored for points that never expire, so that the query-time
	// condition is a single indexed range (_exp > now) rather than "missing or > now".
	noExpiry = math.MaxInt64
)

// maxTermValue is the longest payload value indexed as it is.
const maxTermValue = 128

// idSpace is the UUIDv5 namespace of Muninn point ids (itself UUIDv5(URL, "muninn:qdrant")).
var idSpace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("muninn:qdrant"))

// pointID maps (namespace, ID) to a deterministic Qdrant UUID. The namespace is
// length-prefixed so that no two pairs share an input.
func pointID(ns, id string) string {
	var b strings.Builder
	b.Grow(len(ns) + len(id) + 8)
	b.WriteString(strconv.Itoa(len(ns)))
	b.WriteByte(':')
	b.WriteString(ns)
	b.WriteString(id)
	return uuid.NewSHA1(idSpace, []byte(b.String())).String()
}

// registryID is the registry point of a namespace.
func registryID(ns string) string { return uuid.NewSHA1(idSpace, []byte("ns:"+ns)).String() }

// term encodes one payload equality as a keyword, "len(key):key=value". The length
// prefix keeps it unambiguous whatever characters keys and values hold ("3:a=b=c" is
// key "a=b", value "c"). Values longer than maxTermValue (a cached response, say) are
// indexed by their SHA-256 instead ("len(key):key#hex"), so the keyword index stays small
// while an equality filter on such a value still matches exactly.
func term(k, v string) string {
	if len(v) > maxTermValue {
		sum := sha256.Sum256([]byte(v))
		return strconv.Itoa(len(k)) + ":" + k + "#" + hex.EncodeToString(sum[:])
	}
	var b strings.Builder
	b.Grow(len(k) + len(v) + 6)
	b.WriteString(strconv.Itoa(len(k)))
	b.WriteByte(':')
	b.WriteString(k)
	b.WriteByte('=')
	b.WriteString(v)
	return b.String()
}

func expiryMillis(t time.Time) int64 {
	if t.IsZero() {
		return noExpiry
	}
	return t.UnixMilli()
}

func expiryTime(ms int64) time.Time {
	if ms == noExpiry || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// toPoint converts a validated point.
func toPoint(ns string, p *vectorstore.Point) *qc.PointStruct {
	payload := map[string]*qc.Value{
		fieldNS:      qc.NewValueString(ns),
		fieldID:      qc.NewValueString(p.ID),
		fieldExpires: qc.NewValueInt(expiryMillis(p.ExpiresAt)),
	}
	if len(p.Payload) > 0 {
		fields := make(map[string]*qc.Value, len(p.Payload))
		terms := make([]*qc.Value, 0, len(p.Payload))
		for k, v := range p.Payload {
			fields[k] = qc.NewValueString(v)
			terms = append(terms, qc.NewValueString(term(k, v)))
		}
		payload[fieldPayload] = qc.NewValueFromFields(fields)
		payload[fieldTerms] = qc.NewValueFromList(terms...)
	}
	vec := make([]float32, len(p.Vector))
	copy(vec, p.Vector)
	return &qc.PointStruct{Id: qc.NewIDUUID(pointID(ns, p.ID)), Vectors: qc.NewVectorsDense(vec), Payload: payload}
}

// fromPayload extracts the caller's ID, payload and expiry.
func fromPayload(pl map[string]*qc.Value) (id string, payload map[string]string, exp time.Time) {
	id = pl[fieldID].GetStringValue()
	if fields := pl[fieldPayload].GetStructValue().GetFields(); len(fields) > 0 {
		payload = make(map[string]string, len(fields))
		for k, v := range fields {
			payload[k] = v.GetStringValue()
		}
	}
	return id, payload, expiryTime(pl[fieldExpires].GetIntegerValue())
}

// nsFilter selects a namespace's points passing f; live adds "not expired at now".
func nsFilter(ns string, f vectorstore.Filter, live bool, now time.Time) *qc.Filter {
	must := make([]*qc.Condition, 0, 2+len(f))
	must = append(must, qc.NewMatchKeyword(fieldNS, ns))
	if live {
		gt := float64(now.UnixMilli())
		must = append(must, qc.NewRange(fieldExpires, &qc.Range{Gt: &gt}))
	}
	for k, v := range f {
		must = append(must, qc.NewMatchKeyword(fieldTerms, term(k, v)))
	}
	return &qc.Filter{Must: must}
}

// expiredFilter selects every point expired at now, in all namespaces.
func expiredFilter(now time.Time) *qc.Filter {
	lte := float64(now.UnixMilli())
	return &qc.Filter{Must: []*qc.Condition{qc.NewRange(fieldExpires, &qc.Range{Lte: &lte})}}
}
