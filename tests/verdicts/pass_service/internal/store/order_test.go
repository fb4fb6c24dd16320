package store

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		in   Order
		ok   bool
	}{
		{"valid", Order{Customer: "c1", Cents: 100}, true},
		{"no customer", Order{Cents: 100}, false},
		{"long customer", Order{Customer: strings.Repeat("x", 65), Cents: 1}, false},
		{"zero", Order{Customer: "c1"}, false},
		{"too large", Order{Customer: "c1", Cents: 10_000_001}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.in.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate(%+v) = %v, want ok=%v", tc.in, err, tc.ok)
			}
		})
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("c1", int64(100))
	f.Add("", int64(-1))
	f.Fuzz(func(t *testing.T, customer string, cents int64) {
		err := Order{Customer: customer, Cents: cents}.Validate()
		if err == nil && (customer == "" || cents <= 0) {
			t.Fatalf("accepted %q %d", customer, cents)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	o := Order{Customer: "customer-42", Cents: 1999}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := o.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
