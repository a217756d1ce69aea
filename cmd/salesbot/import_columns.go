package main

import (
	"fmt"
	"strings"
)

// Column mapping for import: the fields each kind of file has, the header
// spellings they are known by, and --map.

// field is one importable column: its canonical name and the header
// spellings it is recognised by.
type field struct {
	name    string
	aliases []string
}

type fieldSet []field

func (fs fieldSet) has(name string) bool {
	for _, f := range fs {
		if f.name == name {
			return true
		}
	}
	return false
}

// known is every key that names a field: names, spellings and --map's
// columns, normalized.
func (fs fieldSet) known(maps map[string]string) map[string]bool {
	k := map[string]bool{}
	for _, f := range fs {
		k[f.name] = true
		for _, a := range f.aliases {
			k[a] = true
		}
	}
	for _, col := range maps {
		k[col] = true
	}
	return k
}

func (fs fieldSet) names() string {
	var n []string
	for _, f := range fs {
		n = append(n, f.name)
	}
	return strings.Join(n, ", ")
}

var importFields = map[string]fieldSet{
	"deals": {
		{"external_id", []string{"externalid", "ext_id", "crm_id", "deal_id", "opportunity_id"}},
		{"id", nil},
		{"account", []string{"account_name", "company", "customer", "organization", "organisation"}},
		{"amount", []string{"value", "deal_value", "deal_size", "deal_amount"}},
		{"stage", []string{"deal_stage", "pipeline_stage"}},
		{"owner", []string{"rep", "owner_name", "deal_owner", "sales_rep"}},
		{"owner_slack_id", nil},
		{"territory", []string{"region"}},
		{"product", nil},
		{"close_date", []string{"expected_close", "expected_close_date", "close"}},
		{"created", []string{"created_at", "create_date", "created_date", "date_created"}},
		{"updated", []string{"updated_at", "last_modified"}},
		{"closed", []string{"closed_at", "closed_date", "date_closed"}},
		{"stage_entered", []string{"stage_entered_at"}},
		{"snoozed_until", nil},
		{"lost_reason", []string{"loss_reason", "reason_lost"}},
		{"notes", []string{"note", "description"}},
		{"forecast", []string{"forecast_category"}},
		{"next_step", []string{"next_action"}},
		{"next_due", []string{"next_step_due", "next_action_date"}},
	},
	"team": {
		{"name", []string{"display_name", "rep", "person", "sales_agent", "agent", "sales_rep"}},
		{"real_name", []string{"full_name"}},
		{"first_name", []string{"firstname", "given_name"}},
		{"last_name", []string{"lastname", "surname", "family_name"}},
		{"slack_id", []string{"slack", "slack_user", "slack_user_id"}},
		{"email", []string{"e_mail", "mail", "email_address"}},
		{"role", []string{"assigned_role", "user_role", "role_name"}},
		{"manager", []string{"manager_name", "reports_to", "manager_email", "manager_full_name"}},
		{"territory", []string{"region", "regional_office", "office", "territories"}},
	},
	"events": {
		{"id", nil},
		{"deal", []string{"deal_id"}},
		{"at", []string{"time", "date"}},
		{"actor", nil},
		{"actor_slack_id", nil},
		{"field", nil},
		{"from", nil},
		{"to", nil},
	},
	"quotas": {
		{"scope", nil},
		{"subject", []string{"name", "rep", "owner"}},
		{"subject_slack_id", nil},
		{"period", nil},
		{"amount", []string{"quota", "target"}},
		{"set_by", nil},
	},
}

// normalizeColumn makes "Deal Value", "deal-value" and "DEAL_VALUE" equal.
func normalizeColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_", ".", "_").Replace(s)
}

// columns maps field names to column indexes of a table.
type columns map[string]int

func (c columns) get(row []string, f string) string {
	if i, ok := c[f]; ok {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// raw is get without trimming, for free text (notes) that export must
// read back exactly; blank is still empty.
func (c columns) raw(row []string, f string) string {
	if i, ok := c[f]; ok && strings.TrimSpace(row[i]) != "" {
		return row[i]
	}
	return ""
}

func (c columns) has(f string) bool { _, ok := c[f]; return ok }

// mapColumns matches the header against the fields; --map wins over the
// built-in spellings. It also returns the columns nothing uses.
func mapColumns(header []string, fields fieldSet, maps map[string]string) (columns, []string, error) {
	idx := map[string]int{}
	for i, h := range header {
		n := normalizeColumn(h)
		if n == "" {
			continue // a spreadsheet's empty columns past the data
		}
		if _, dup := idx[n]; dup {
			return nil, nil, fmt.Errorf("the header names column %q twice", clipText(h, 40))
		}
		idx[n] = i
	}
	cols := columns{}
	for f, col := range maps {
		i, ok := idx[col]
		if !ok {
			return nil, nil, usagef("--map %s=%s: the file has no column %q; its columns are %s", f, col, col, clipList(header, maxListed))
		}
		cols[f] = i
	}
	for _, f := range fields {
		if _, ok := cols[f.name]; ok {
			continue
		}
		for _, n := range append([]string{f.name}, f.aliases...) {
			if i, ok := idx[n]; ok && !used(cols, i) {
				cols[f.name] = i
				break
			}
		}
	}
	var unused []string
	for i, h := range header {
		if !used(cols, i) && strings.TrimSpace(h) != "" {
			unused = append(unused, h)
		}
	}
	return cols, unused, nil
}

func used(c columns, i int) bool {
	for _, j := range c {
		if j == i {
			return true
		}
	}
	return false
}
