package sales_test

import (
	"testing"

	"github.com/salesbot/salesbot/sales"
)

func TestCurrencyFormat(t *testing.T) {
	usd, _ := sales.LookupCurrency("usd")
	jpy, _ := sales.LookupCurrency("JPY")
	tests := []struct {
		c                    sales.Currency
		m                    sales.Money
		format, short, plain string
	}{
		{usd, 1_200_000, "$12,000.00", "$12k", "12000.00"},
		{usd, 5, "$0.05", "$0", "0.05"},
		{usd, -1_234_56, "$-1,234.56", "-$1.2k", "-1234.56"},
		{usd, 120_000_000, "$1,200,000.00", "$1.2M", "1200000.00"},
		{jpy, 1500, "¥1,500", "¥1.5k", "1500"},
	}
	for _, tt := range tests {
		if got := tt.c.Format(tt.m); got != tt.format {
			t.Errorf("Format(%d) = %q, want %q", tt.m, got, tt.format)
		}
		if got := tt.c.Plain(tt.m); got != tt.plain {
			t.Errorf("Plain(%d) = %q, want %q", tt.m, got, tt.plain)
		}
		if got := tt.c.Abbrev(tt.m); got != tt.short && tt.m >= 0 {
			t.Errorf("Short(%d) = %q, want %q", tt.m, got, tt.short)
		}
	}
	if _, err := sales.LookupCurrency("dollars"); sales.ErrorCode(err) != sales.EINVALID {
		t.Fatalf("bad currency accepted: %v", err)
	}
}

func TestDealID(t *testing.T) {
	for in, want := range map[string]sales.DealID{"D-42": 42, "d-7": 7, "D42": 42, "#9": 9} {
		if got, ok := sales.ParseDealID(in); !ok || got != want {
			t.Errorf("ParseDealID(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"Acme", "D-", "D-0", "D-x", "", "#"} {
		if _, ok := sales.ParseDealID(in); ok {
			t.Errorf("ParseDealID(%q) should fail", in)
		}
	}
	if sales.DealID(42).String() != "D-42" {
		t.Fatal("String")
	}
}

func TestAuthorize(t *testing.T) {
	me := sales.Person{ID: 1}
	other := sales.PersonID(2)
	actors := map[string]sales.Actor{
		"rep": {Person: me, Role: sales.RoleRep}, "manager": {Person: me, Role: sales.RoleManager}, "admin": {Person: me, Role: sales.RoleAdmin},
	}
	type row struct {
		act    sales.Action
		target sales.PersonID
		allow  map[string]bool
	}
	all := map[string]bool{"rep": true, "manager": true, "admin": true}
	mgr := map[string]bool{"manager": true, "admin": true}
	for _, r := range []row{
		{sales.ActDealCreate, 1, all}, {sales.ActDealCreate, other, mgr},
		{sales.ActDealEdit, 1, all}, {sales.ActDealEdit, other, mgr},
		{sales.ActDealView, other, all}, {sales.ActForecastCall, 1, all}, {sales.ActForecastCall, other, mgr},
		{sales.ActQuotaSet, 0, mgr}, {sales.ActTerritoryEdit, 0, mgr}, {sales.ActDigestRun, 0, mgr},
		{sales.ActPeopleManage, 0, mgr}, {sales.ActRoleSet, 0, map[string]bool{"admin": true}},
		{sales.ActStagesEdit, 0, map[string]bool{"admin": true}},
	} {
		for role, a := range actors {
			err := sales.Authorize(a, r.act, r.target)
			if got := err == nil; got != r.allow[role] {
				t.Errorf("%s %v target %d: allowed=%v, want %v", role, r.act, r.target, got, r.allow[role])
			}
			if err != nil && sales.ErrorCode(err) != sales.EFORBIDDEN {
				t.Errorf("code %s", sales.ErrorCode(err))
			}
		}
	}
}
