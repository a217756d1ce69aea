package main

import (
	"strings"
	"testing"
)

// Real-format files that cannot be read stop with the line, the column
// and the right form, and nothing is written; the dry run says the same.
func TestImportRealFormatUnreadable(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
	}{
		{"european amount that is no number", "sep=;\r\nDeal Name;Deal Stage;Amount;Deal owner\r\nAcme;Closed Won;1.234,50;Anna\r\nBeta;Closed Won;zwölf;Zane\r\nCancity;Closed Won;12.000;Anna\r\n",
			[]string{`line 4: error: column "Amount": amount "zwölf" is not a number`, "nothing was imported"}},
		{"pipedrive status it does not know", "Deal - Title,Deal - Value,Deal - Status,Deal - Stage,Deal - Owner\nAcme,100,won,Qualified,Anna\nBeta,200,archived,Qualified,Zane\n",
			[]string{`line 3: error: column "Deal - Status": status "archived" is not open, won, lost or deleted`}},
		{"hubspot deal in another currency, no company-currency column", "Record ID,Deal Name,Deal Stage,Amount,Currency,Deal owner\n1,Acme,Closed Won,100,USD,Anna\n2,Beta,Closed Won,200,EUR,Zane\n",
			[]string{`line 3: error: column "Amount": the amount is in EUR but salesbot counts money in USD`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			f := e.file("export.csv", tt.file)
			for _, dry := range []bool{true, false} {
				args := []string{"deals", "--file", f}
				if dry {
					args = append(args, "--dry-run")
				}
				r := e.run(ImportCmd, args...)
				for _, w := range tt.want {
					if dry {
						w = strings.Replace(w, "nothing was imported", "an import would write nothing", 1)
					}
					if r.code != 1 || !strings.Contains(r.stderr, w) {
						t.Errorf("dry run %v: lacks %q:\n%s", dry, w, r)
					}
				}
			}
			if n := e.countDeals(); n != 0 {
				t.Errorf("%d deals written", n)
			}
		})
	}
}
