package decimal

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Scale returns s × 10^exp as an int64, rounded half away from zero, and whether the
// result was exact (no rounding happened). s is a decimal number as JSON writes it:
// an optional sign, digits, an optional fraction and an optional exponent.
func Scale(s string, exp int) (v int64, exact bool, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, fmt.Errorf("empty number")
	}
	r, err := parse(s)
	if err != nil {
		return 0, false, err
	}
	if exp < 0 || exp > 30 {
		return 0, false, fmt.Errorf("scale exponent %d out of range", exp)
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	return roundRat(r)
}

// numberRe is a JSON number with a bounded exponent (big.Rat would otherwise build a
// huge integer for "1e999999999", and it accepts forms JSON does not, like "1/3").
var numberRe = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?$`)

func parse(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if !numberRe.MatchString(s) {
		return nil, fmt.Errorf("invalid number %q", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("invalid number %q", s)
	}
	return r, nil
}

// roundRat rounds r half away from zero to an int64 and reports whether it was exact.
func roundRat(r *big.Rat) (int64, bool, error) {
	num, den := r.Num(), r.Denom()
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	exact := m.Sign() == 0
	if !exact {
		// |2m| >= den rounds away from zero.
		twice := new(big.Int).Abs(m)
		twice.Lsh(twice, 1)
		if twice.Cmp(den) >= 0 {
			if num.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	if !q.IsInt64() {
		return 0, false, fmt.Errorf("number %s out of range", r.FloatString(6))
	}
	return q.Int64(), exact, nil
}

// Div returns a × 10^exp / (b × den) rounded half away from zero, for decimal strings a
// and b (b and den non-zero), and whether it was exact.
func Div(a, b string, exp int, den int64) (int64, bool, error) {
	ra, err := parse(a)
	if err != nil {
		return 0, false, err
	}
	rb, err := parse(b)
	if err != nil {
		return 0, false, err
	}
	if rb.Sign() <= 0 || den <= 0 {
		return 0, false, fmt.Errorf("divisor must be positive")
	}
	rb.Mul(rb, new(big.Rat).SetInt64(den))
	if exp < 0 || exp > 30 {
		return 0, false, fmt.Errorf("scale exponent %d out of range", exp)
	}
	ra.Mul(ra, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	ra.Quo(ra, rb)
	return roundRat(ra)
}

// Append appends v / 10^exp (0 <= exp <= 18) as a decimal string without trailing zeros
// ("0.000123", "12", "-0.5") to dst.
func Append(dst []byte, v int64, exp int) []byte {
	var u uint64
	if v < 0 {
		dst = append(dst, '-')
		u = uint64(-(v + 1)) + 1 // safe for math.MinInt64
	} else {
		u = uint64(v)
	}
	div := uint64(1)
	for i := 0; i < exp; i++ {
		div *= 10
	}
	dst = strconv.AppendUint(dst, u/div, 10)
	fp := u % div
	if fp == 0 {
		return dst
	}
	dst = append(dst, '.')
	var digits [20]byte
	n := 0
	for d := div / 10; d > 0; d /= 10 {
		digits[n] = byte('0' + fp/d%10)
		n++
	}
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	return append(dst, digits[:n]...)
}
