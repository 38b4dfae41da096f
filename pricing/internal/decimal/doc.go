// Package decimal converts decimal strings ("0.075", "2.5e-06") to scaled integers
// exactly, without going through binary floating point. Price sheets write money as
// JSON numbers; reading them as float64 and multiplying would turn $0.075 into
// 74999999.99999999 nano-USD. It imports nothing from this module.
package decimal
